import { Injectable } from '@nestjs/common';
import {
  AppState,
  decideLiveness,
  evolveInstance,
  foldApp,
  initialAppState,
  initialInstanceState,
  LivenessCommand,
  LostNode,
  replaceLostInstances,
  ScheduleResult,
  StaleCandidate,
  stopStaleInstances,
} from '@mammoth/domain';
import { InstanceEvent, NodeEvent, streamIds } from '@mammoth/events';
import { AppendCommand, AppendContext, PgEventStore, StreamWrite } from '@mammoth/event-store';
import { AppScheduler } from '../../scheduling/app-scheduler.service';
import { AggregateRepository } from '../../scheduling/aggregate-repository';
import { orThrow } from '../../common/domain.exception';
import { ClusterState } from '../../infra/cluster-state';

/** Verdict is one liveness command for one node, with the metadata its events carry. */
export interface NodeVerdict {
  readonly nodeId: string;
  readonly cmd: LivenessCommand;
  readonly ctx: AppendContext;
}

/**
 * NodeRepair commits the failure detector's decisions: node verdicts on the node streams, replacements of lost nodes'
 * instances and the stop of a recovered node's stale ones. Each commit is plan-then-append at the expected versions of
 * every stream it touches (Omega-style), re-planned on conflict, and each decision is idempotent, so two detectors
 * racing, or one resuming another's work, never double a replacement. A mass failure stays cheap: all of a sweep's
 * verdicts are one transaction, and the replacements are one decision per app over every lost node, planned in the
 * process's one scheduler queue and group-committed with whatever else it is placing.
 */
@Injectable()
export class NodeRepair {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly store: PgEventStore,
    private readonly cluster: ClusterState,
    private readonly scheduler: AppScheduler,
  ) {}

  /**
   * judge commits liveness verdicts, every node's in one transaction, decided on the cluster cache and checked against
   * its versions (a conflict reloads the node and decides again); it returns the events written per node (none for a
   * verdict that is already decided).
   */
  judge(verdicts: readonly NodeVerdict[]): Promise<Map<string, NodeEvent[]>> {
    return this.repo.retrying(
      async () => {
        await this.cluster.refresh();
        const written = new Map<string, NodeEvent[]>();
        const commands: AppendCommand[] = [];
        const applied: { streamId: string; version: number; events: NodeEvent[] }[] = [];
        for (const v of verdicts) {
          const streamId = streamIds.node(v.nodeId);
          const { state, version } = this.cluster.get(streamId);
          const events = [...orThrow(decideLiveness(v.cmd, state))];
          if (events.length === 0) continue;
          written.set(v.nodeId, events);
          commands.push({ writes: [{ streamId, expectedVersion: version, events }], ctx: v.ctx });
          applied.push({ streamId, version, events });
        }
        if (commands.length) await this.repo.appendAll(commands);
        for (const a of applied) this.cluster.applyCommitted(a.streamId, a.version, a.events);
        return written;
      },
      (conflict) => this.cluster.reload([conflict.streamId]),
    );
  }

  /**
   * replaceLost marks every live instance on the lost nodes lost and places their replacements, one decision per app
   * touched; it returns how many replacements were placed per lost node.
   */
  async replaceLost(lost: readonly LostNode[], ctx: AppendContext): Promise<Map<string, number>> {
    const apps = new Set<string>();
    for (const { nodeId } of lost) {
      const node = this.cluster.get(streamIds.node(nodeId)).state;
      if (node.status !== 'registered') continue;
      for (const id of node.lostInstances) {
        const a = node.assignments.get(id);
        if (a) apps.add(a.app);
      }
    }
    const placed = new Map<string, number>(lost.map((n) => [n.nodeId, 0]));
    const cmd = { type: 'ReplaceLostInstances' as const, lost };
    await Promise.all(
      [...apps].map(async (app) => {
        const { events } = await this.scheduler.schedule(
          app,
          (state, nodes, opts) => replaceLostInstances(state, cmd, nodes, opts),
          ctx,
        );
        for (const e of events) {
          if (e.type === 'InstanceLost' && e.data.replacedBy)
            placed.set(e.data.nodeId, (placed.get(e.data.nodeId) ?? 0) + 1);
        }
      }),
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
      await this.commit(app, ctx, (state, running) => {
        const r = stopStaleInstances(state, app, candidates, running);
        w = r.waiting;
        return r;
      });
      waiting += w;
    }
    return waiting;
  }

  /** commit loads an app and its live instances' reported states, plans, and appends app and node streams atomically. */
  private commit(
    app: string,
    ctx: AppendContext,
    plan: (state: AppState, running: ReadonlySet<string>) => ScheduleResult,
  ): Promise<ScheduleResult> {
    const appStream = streamIds.app(app);
    return this.repo.retrying(
      async () => {
        await this.cluster.refresh();
        const loaded = await this.repo.load(appStream, initialAppState, foldApp);
        const running = await this.runningLive(loaded.state);
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
