import { Inject, Injectable } from '@nestjs/common';
import { Repair, RepairBackoff, repairInstance } from '@mammoth/domain';
import { AppEvent } from '@mammoth/events';
import { AppendContext } from '@mammoth/event-store';
import { AggregateRepository } from '../../scheduling/aggregate-repository';
import { PlanQueue } from '../../scheduling/plan-queue';
import { INSTANCE_REPAIR_CONFIG, InstanceRepairConfig } from './instance-repair.config';

/** REPAIR_ACTOR is the actor of every event instance repair writes. */
export const REPAIR_ACTOR = 'instance-repair';

/** RepairOutcome is what one decision did: the app events written, whether the instance left the app, and a wait. */
export interface RepairOutcome extends Pick<Repair, 'retired' | 'deferred'> {
  readonly events: readonly AppEvent[];
}

/**
 * InstanceRepair replaces one instance when it must, through the plan queue: repairInstance on the instance's and its app's
 * fresh state decides whether it is unhealthy or crash-looping and whether the app's repair backoff lets it be replaced now
 * (so an app that can never be healthy is retried ever more slowly instead of churning through the cluster). The decision
 * is idempotent: once the instance has left the app's live set, deciding again writes nothing.
 */
@Injectable()
export class InstanceRepair {
  private readonly backoff: RepairBackoff;

  constructor(
    private readonly plans: PlanQueue,
    private readonly repo: AggregateRepository,
    @Inject(INSTANCE_REPAIR_CONFIG) config: Pick<InstanceRepairConfig, 'backoff'>,
  ) {
    this.backoff = config.backoff;
  }

  /**
   * repair decides and commits for one instance in a command context (its correlation id and its time, the decision's
   * now); its events carry that correlation id and name the instance's last event as their cause.
   */
  async repair(instanceId: string, ctx: AppendContext): Promise<RepairOutcome> {
    const now = Date.parse(ctx.timestamp);
    const seen = (await this.repo.loadInstances([instanceId])).get(instanceId)!;
    if (seen.app === null) return { events: [], retired: false, deferred: null };
    const { events, value } = await this.plans.commit({
      app: seen.app,
      ctx: { ...ctx, causationId: seen.lastEventId },
      instances: () => [instanceId],
      decide: ({ app, instances, nodes, opts }) => {
        const instance = instances.get(instanceId)!.state;
        const r = repairInstance(app, instanceId, instance, nodes.candidates(), {
          ...opts,
          now,
          backoff: this.backoff,
        });
        return { app: r.app, nodes: r.nodes, value: { retired: r.retired, deferred: r.deferred } };
      },
    });
    return { events, ...value };
  }
}
