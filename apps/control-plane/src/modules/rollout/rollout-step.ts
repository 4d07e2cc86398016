import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import seedrandom from 'seedrandom';
import {
  AppState,
  evolveInstance,
  foldApp,
  Health,
  initialAppState,
  initialInstanceState,
  planRollout,
} from '@mammoth/domain';
import { AppEvent, InstanceEvent, streamIds } from '@mammoth/events';
import { PgEventStore, StreamWrite } from '@mammoth/event-store';
import { AggregateRepository } from '../../scheduling/aggregate-repository';
import { ClusterState } from '../../infra/cluster-state';
import { CONFIG, ControlPlaneConfig } from '../../infra/config';
import { ROLLOUT_CONFIG, RolloutConfig } from './rollout.config';

/** ROLLOUT_ACTOR is the actor of every event the rollout controller writes. */
export const ROLLOUT_ACTOR = 'rollout';

/**
 * RolloutStep moves one app's rollout one step: it folds the app's stream and its live instances' streams (health: the last
 * InstanceRunning / InstanceHealthChanged; without a health check a running instance is healthy), asks planRollout, and commits
 * the result to the app's and every touched node's stream at their expected versions, re-planning on conflict (as
 * AppScheduler does). Deciding again on a state that holds the last step writes nothing, so racing controllers are safe.
 */
@Injectable()
export class RolloutStep {
  private readonly rng: () => number;

  constructor(
    private readonly repo: AggregateRepository,
    private readonly store: PgEventStore,
    private readonly cluster: ClusterState,
    @Inject(CONFIG) config: ControlPlaneConfig,
    @Inject(ROLLOUT_CONFIG) private readonly rollout: RolloutConfig,
  ) {
    this.rng = seedrandom(`${config.schedulerSeed}-rollout`);
  }

  /** step returns the app events written and whether the app still has a rollout in progress afterwards. */
  step(app: string): Promise<{ events: AppEvent[]; rolling: boolean }> {
    return this.repo.retrying(
      async () => {
        const appStream = streamIds.app(app);
        const loaded = await this.repo.load(appStream, initialAppState, foldApp);
        const state = loaded.state;
        if (state.status !== 'active' || !state.rollout) return { events: [], rolling: false };
        const health = await this.healthOf(state);
        await this.cluster.refresh();
        const plan = planRollout(state, (id) => health.get(id) ?? 'unknown', this.cluster.candidates(), {
          now: Date.now(),
          drainMs: this.rollout.drainMs,
          newInstanceId: randomUUID,
          rng: this.rng,
        });
        if (plan.app.length === 0) return { events: [], rolling: true };
        const writes: StreamWrite[] = [{ streamId: appStream, expectedVersion: loaded.version, events: plan.app }];
        for (const [nodeId, events] of plan.nodes) {
          const streamId = streamIds.node(nodeId);
          writes.push({ streamId, expectedVersion: this.cluster.get(streamId).version, events });
        }
        await this.repo.append(writes, {
          correlationId: randomUUID(),
          causationId: null,
          actor: ROLLOUT_ACTOR,
          timestamp: new Date().toISOString(),
        });
        const after = foldApp(state, plan.app);
        return { events: plan.app, rolling: after.status === 'active' && after.rollout !== null };
      },
      async (conflict) => {
        if (conflict.streamId.startsWith('node-')) await this.cluster.reload([conflict.streamId]);
      },
    );
  }

  private async healthOf(state: Extract<AppState, { status: 'active' | 'removed' }>): Promise<Map<string, Health>> {
    const out = new Map<string, Health>();
    await Promise.all(
      [...state.live.keys()].map(async (id) => {
        const stream = await this.store.readStream(streamIds.instance(id));
        const inst = stream.events.reduce(
          (s, e) => evolveInstance(s, e.event as InstanceEvent),
          initialInstanceState(),
        );
        const h: Health =
          inst.state === 'running'
            ? state.spec.healthCheck
              ? inst.health
              : 'healthy'
            : inst.state === 'exited' || inst.state === 'failed'
              ? 'unhealthy'
              : 'unknown';
        out.set(id, h);
      }),
    );
    return out;
  }
}
