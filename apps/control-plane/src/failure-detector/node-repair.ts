import pLimit from 'p-limit';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import seedrandom from 'seedrandom';
import {
  AppState, decideLiveness, evolveApp, evolveInstance, evolveNode, initialAppState, initialInstanceState, initialNodeState,
  LivenessCommand, replaceLostInstances, ScheduleResult, StaleCandidate, stopStaleInstances,
} from '@mammoth/domain';
import { InstanceEvent, NodeEvent, streamIds } from '@mammoth/events';
import { AppendContext, PgEventStore, StreamWrite } from '@mammoth/event-store';
import { AggregateRepository } from '../common/aggregate-repository';
import { orThrow } from '../common/domain.exception';
import { ClusterState } from '../infra/cluster-state';
import { CONFIG, ControlPlaneConfig } from '../infra/config';

/** REPAIR_APPS_CONCURRENCY bounds how many of a lost node's apps are repaired at once. */
const REPAIR_APPS_CONCURRENCY = 4;

/**
 * NodeRepair commits the failure detector's decisions: node verdicts on the node stream, replacements of a lost node's
 * instances and the stop of a recovered node's stale ones. Each commit is plan-then-append at the expected versions of
 * every stream it touches (Omega-style), re-planned on conflict, and each decision is idempotent, so two detectors
 * racing, or one resuming another's work, never double a replacement.
 */
@Injectable()
export class NodeRepair {
  private readonly rng: () => number;

  constructor(
    private readonly repo: AggregateRepository,
    private readonly store: PgEventStore,
    private readonly cluster: ClusterState,
    @Inject(CONFIG) config: ControlPlaneConfig,
  ) {
    this.rng = seedrandom(`${config.schedulerSeed}-failure-detector`);
  }

  /** judge commits one liveness verdict on the node's stream; it returns the events written (none if already decided). */
  judge(nodeId: string, cmd: LivenessCommand, ctx: AppendContext): Promise<NodeEvent[]> {
    const streamId = streamIds.node(nodeId);
    return this.repo.retrying(async () => {
      const { state, version } = await this.repo.load(streamId, initialNodeState, evolveNode);
      const events = [...orThrow(decideLiveness(cmd, state))];
      await this.repo.append([{ streamId, expectedVersion: version, events }], ctx);
      if (events.length) await this.cluster.reload([streamId]);
      return events;
    });
  }

  /** replaceLost marks every app's live instances on a lost node lost and places their replacements; it returns how many were placed. */
  async replaceLost(nodeId: string, reason: string, ctx: AppendContext): Promise<number> {
    const node = this.cluster.get(streamIds.node(nodeId)).state;
    if (node.status !== 'registered') return 0;
    const apps = new Set([...node.lostInstances].flatMap((id) => node.assignments.get(id)?.app ?? []));
    let placed = 0;
    // Apps are repaired concurrently (bounded); commits that collide on a node stream re-plan on fresh state.
    const limit = pLimit(REPAIR_APPS_CONCURRENCY);
    await Promise.all(
      [...apps].map((app) =>
        limit(async () => {
          const result = await this.commit(app, ctx, false, (state) =>
            replaceLostInstances(state, { type: 'ReplaceLostInstances', nodeId, reason }, this.cluster.candidates(), { newInstanceId: randomUUID, rng: this.rng }),
          );
          placed += result.app.filter((e) => e.type === 'InstancePlaced').length;
        }),
      ),
    );
    return placed;
  }

  /**
   * stopStale stops a recovered node's instances that were replaced while it was lost, as far as their replacements already
   * run; it returns how many stale instances still wait for theirs.
   */
  async stopStale(nodeId: string, ctx: AppendContext): Promise<number> {
    const node = this.cluster.get(streamIds.node(nodeId)).state;
    if (node.status !== 'registered' || node.condition !== 'ready') return 0;
    const byApp = new Map<string, StaleCandidate[]>();
    for (const id of node.lostInstances) {
      const a = node.assignments.get(id);
      if (a) byApp.set(a.app, [...(byApp.get(a.app) ?? []), { instanceId: id, nodeId }]);
    }
    let waiting = 0;
    for (const [app, candidates] of byApp) {
      let w = 0;
      await this.commit(app, ctx, true, (state, running) => {
        const r = stopStaleInstances(state, app, candidates, running);
        w = r.waiting;
        return r;
      });
      waiting += w;
    }
    return waiting;
  }

  /** commit loads an app and, if asked, its live instances' reported states, plans, and appends app and node streams atomically. */
  private commit(
    app: string,
    ctx: AppendContext,
    readRunning: boolean,
    plan: (state: AppState, running: ReadonlySet<string>) => ScheduleResult,
  ): Promise<ScheduleResult> {
    const appStream = streamIds.app(app);
    return this.repo.retrying(
      async () => {
        await this.cluster.refresh();
        const loaded = await this.repo.load(appStream, initialAppState, evolveApp);
        const running = readRunning ? await this.runningLive(loaded.state) : new Set<string>();
        const result = plan(loaded.state, running);
        const writes: StreamWrite[] = [{ streamId: appStream, expectedVersion: loaded.version, events: result.app }];
        for (const [nodeId, events] of result.nodes) {
          const streamId = streamIds.node(nodeId);
          writes.push({ streamId, expectedVersion: this.cluster.get(streamId).version, events });
        }
        await this.repo.append(writes, ctx);
        return result;
      },
      async (conflict) => {
        if (conflict.streamId.startsWith('node-')) await this.cluster.reload([conflict.streamId]);
      },
    );
  }

  /** runningLive is the app's live instances whose node reported them running last and whose node is ready. */
  private async runningLive(state: AppState): Promise<Set<string>> {
    const running = new Set<string>();
    if (state.status === 'none' || state.live.size === 0) return running;
    const streams = await this.store.readStreams([...state.live.keys()].map(streamIds.instance));
    for (const inst of state.live.values()) {
      const node = this.cluster.get(streamIds.node(inst.nodeId)).state;
      if (node.status !== 'registered' || node.condition !== 'ready') continue;
      const s = streams.get(streamIds.instance(inst.instanceId))!;
      const reported = s.events.reduce((st, e) => evolveInstance(st, e.event as InstanceEvent), initialInstanceState());
      if (reported.state === 'running') running.add(inst.instanceId);
    }
    return running;
  }
}
