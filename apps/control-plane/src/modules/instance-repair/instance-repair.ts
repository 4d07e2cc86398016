import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import seedrandom from 'seedrandom';
import {
  evolveInstance,
  foldApp,
  initialAppState,
  initialInstanceState,
  RepairBackoff,
  repairGate,
  RepairGate,
  repairOf,
  replaceInstance,
} from '@mammoth/domain';
import { AppEvent, InstanceEvent, streamIds } from '@mammoth/events';
import { PgEventStore, StreamWrite } from '@mammoth/event-store';
import { AggregateRepository } from '../../scheduling/aggregate-repository';
import { ClusterState } from '../../infra/cluster-state';
import { CONFIG, ControlPlaneConfig } from '../../infra/config';
import { INSTANCE_REPAIR_CONFIG, InstanceRepairConfig } from './instance-repair.config';

/** REPAIR_ACTOR is the actor of every event instance repair writes. */
export const REPAIR_ACTOR = 'instance-repair';

/** RepairOutcome is what one decision did: the app events written, whether the instance left the app, and a wait. */
export interface RepairOutcome {
  readonly events: AppEvent[];
  readonly retired: boolean;
  /** deferred is set when the instance must be replaced but its lineage's backoff says not yet. */
  readonly deferred?: RepairGate;
}

/**
 * InstanceRepair replaces one instance when it must: it folds the instance's stream and its app's, asks repairOf whether the
 * instance is unhealthy or crash-looping, and if so commits replaceInstance (stop it, place a replacement, preferring another
 * node) to the app's and every touched node's stream at their expected versions, re-planning on conflict, as AppScheduler
 * does. The decision is idempotent: once the instance has left the app's live set, deciding again writes nothing. A
 * replacement of a replacement waits for the lineage's backoff (repairGate, read from the app's own history), so an app
 * that can never be healthy is retried ever more slowly instead of churning through the cluster.
 */
@Injectable()
export class InstanceRepair {
  private readonly rng: () => number;
  private readonly backoff: RepairBackoff;

  constructor(
    private readonly repo: AggregateRepository,
    private readonly store: PgEventStore,
    private readonly cluster: ClusterState,
    @Inject(CONFIG) config: ControlPlaneConfig,
    @Inject(INSTANCE_REPAIR_CONFIG) repairConfig: Pick<InstanceRepairConfig, 'backoff'>,
  ) {
    this.rng = seedrandom(`${config.schedulerSeed}-instance-repair`);
    this.backoff = repairConfig.backoff;
  }

  /**
   * repair decides and commits for one instance; it returns the app events written (none when nothing was needed), and
   * `retired` when the instance is no longer live in its app (it never will be again).
   */
  repair(instanceId: string, now = Date.now()): Promise<RepairOutcome> {
    return this.repo.retrying(
      async () => {
        const stream = await this.store.readStream(streamIds.instance(instanceId));
        const first = stream.events[0]?.event as InstanceEvent | undefined;
        if (!first) return { events: [], retired: false };
        const instance = stream.events.reduce(
          (s, e) => evolveInstance(s, e.event as InstanceEvent),
          initialInstanceState(),
        );
        const appStream = streamIds.app(first.data.app);
        const appEvents = await this.store.readStream(appStream);
        const app = {
          state: foldApp(
            initialAppState(),
            appEvents.events.map((e) => e.event as AppEvent),
          ),
          version: appEvents.version,
        };
        const retired = app.state.status === 'none' || !app.state.live.has(instanceId);
        const cmd = repairOf(app.state, instanceId, instance);
        if (!cmd) return { events: [], retired };
        const history = appEvents.events.map((e) => ({
          event: e.event as AppEvent,
          at: Date.parse(e.metadata.timestamp),
          byRepair: e.metadata.actor === REPAIR_ACTOR,
        }));
        const gate = repairGate(history, instanceId, now, this.backoff);
        if (now < gate.notBefore) return { events: [], retired: false, deferred: gate };
        await this.cluster.refresh();
        const result = replaceInstance(app.state, cmd, this.cluster.candidates(), {
          newInstanceId: randomUUID,
          rng: this.rng,
        });
        const writes: StreamWrite[] = [{ streamId: appStream, expectedVersion: app.version, events: result.app }];
        for (const [nodeId, events] of result.nodes) {
          const streamId = streamIds.node(nodeId);
          writes.push({ streamId, expectedVersion: this.cluster.get(streamId).version, events });
        }
        // The verdict that moved the instance (its last health change or exit) is the cause of the replacement.
        const cause = stream.events[stream.events.length - 1].metadata.eventId;
        await this.repo.append(writes, {
          correlationId: randomUUID(),
          causationId: cause,
          actor: REPAIR_ACTOR,
          timestamp: new Date().toISOString(),
        });
        return { events: result.app, retired: true };
      },
      async (conflict) => {
        if (conflict.streamId.startsWith('node-')) await this.cluster.reload([conflict.streamId]);
      },
    );
  }
}
