import { Inject, Injectable } from '@nestjs/common';
import { instanceHealth, planRollout } from '@mammoth/domain';
import { AppEvent } from '@mammoth/events';
import { AppendContext } from '@mammoth/event-store';
import { PlanQueue } from '../../scheduling/plan-queue';
import { ROLLOUT_CONFIG, RolloutConfig } from './rollout.config';

/** ROLLOUT_ACTOR is the actor of every event the rollout controller writes. */
export const ROLLOUT_ACTOR = 'rollout';

/**
 * RolloutStep moves one app's rollout one step through the plan queue: planRollout on the app's state and its live
 * instances' health (instanceHealth of each instance stream). Deciding again on a state that holds the last step writes
 * nothing, so racing controllers are safe.
 */
@Injectable()
export class RolloutStep {
  constructor(
    private readonly plans: PlanQueue,
    @Inject(ROLLOUT_CONFIG) private readonly rollout: RolloutConfig,
  ) {}

  /**
   * step moves the app's rollout in a command context (its events carry its correlation id; its time is the step's now),
   * and returns the app events written and whether the app still has a rollout in progress afterwards.
   */
  async step(app: string, ctx: AppendContext): Promise<{ events: readonly AppEvent[]; rolling: boolean }> {
    const now = Date.parse(ctx.timestamp);
    const { events, state } = await this.plans.commit({
      app,
      ctx,
      instances: (s) => (s.status === 'none' ? [] : s.live.keys()),
      decide: ({ app: s, instances, nodes, opts }) => {
        if (s.status !== 'active' || !s.rollout) return { app: [], nodes: new Map(), value: undefined };
        const checked = s.spec.healthCheck !== undefined;
        const health = (id: string) => {
          const inst = instances.get(id);
          return inst ? instanceHealth(inst.state, checked) : 'unknown';
        };
        const plan = planRollout(s, health, nodes.candidates(), { ...opts, now, drainMs: this.rollout.drainMs });
        return { ...plan, value: undefined };
      },
    });
    return { events, rolling: state.status === 'active' && state.rollout !== null };
  }
}
