import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import seedrandom from 'seedrandom';
import { AppState, checkPlaceable, Decision, evolveApp, initialAppState, scheduleApp } from '@mammoth/domain';
import { AppEvent, NodeEvent, streamIds } from '@mammoth/events';
import { AppendContext, StreamWrite } from '@mammoth/event-store';
import { AggregateRepository, Loaded } from '../common/aggregate-repository';
import { orThrow, DomainException } from '../common/domain.exception';
import { ClusterState } from '../infra/cluster-state';
import { CONFIG, ControlPlaneConfig } from '../infra/config';
import { PlanView } from './plan-view';

/** Queued is one app command waiting for its group. */
interface Queued {
  readonly name: string;
  readonly decide: (state: AppState) => Decision<AppEvent>;
  readonly ctx: AppendContext;
  readonly opts: { checkFits?: boolean };
  resolve(state: AppState): void;
  reject(err: unknown): void;
}

/** Planned is a command's writes and the app state they lead to. */
interface Planned {
  readonly cmd: Queued;
  readonly writes: StreamWrite[];
  readonly result: AppState;
}

/** MAX_GROUP caps the commands planned and committed together. */
const MAX_GROUP = 16;

/**
 * AppScheduler runs an app command and converges the app in the same atomic append (Omega-style optimistic commit).
 * Within one process, plans are made one at a time (Nomad's plan queue), so concurrent commands never conflict with each
 * other on the node streams they share; commands that queue up meanwhile are planned one after another on the same view
 * and committed together in one transaction (a group commit), each with its own metadata. Optimistic commits arbitrate
 * between processes: a conflict re-plans the group on fresh state.
 */
@Injectable()
export class AppScheduler {
  private readonly rng: () => number;
  private queue: Queued[] = [];
  private draining = false;

  constructor(
    private readonly repo: AggregateRepository,
    private readonly cluster: ClusterState,
    @Inject(CONFIG) config: ControlPlaneConfig,
  ) {
    this.rng = seedrandom(config.schedulerSeed);
  }

  /**
   * run loads the app, applies `decide`, plans placements and stops on the current cluster snapshot, and appends the
   * app's and every touched node's events at their expected versions; a conflict re-plans on fresh state.
   */
  run(name: string, decide: (state: AppState) => Decision<AppEvent>, ctx: AppendContext, opts: { checkFits?: boolean } = {}): Promise<AppState> {
    return new Promise<AppState>((resolve, reject) => {
      this.queue.push({ name, decide, ctx, opts, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0) await this.commitGroup(this.takeGroup());
    } finally {
      this.draining = false;
    }
  }

  /** takeGroup takes the oldest queued commands, at most one per app (a second one for an app waits for the next group). */
  private takeGroup(): Queued[] {
    const group: Queued[] = [];
    const names = new Set<string>();
    const rest: Queued[] = [];
    for (const cmd of this.queue) {
      if (group.length < MAX_GROUP && !names.has(cmd.name)) {
        group.push(cmd);
        names.add(cmd.name);
      } else rest.push(cmd);
    }
    this.queue = rest;
    return group;
  }

  /** commitGroup plans and commits a group, settling every command: refused ones alone, the rest together. */
  private async commitGroup(group: Queued[]): Promise<void> {
    let open = group;
    try {
      await this.repo.retrying(
        async () => {
          const appStreams = open.map((c) => streamIds.app(c.name));
          const [, apps] = await Promise.all([this.cluster.refresh(), this.repo.loadMany(appStreams, initialAppState, evolveApp)]);
          const view = new PlanView(this.cluster);
          const planned: Planned[] = [];
          for (const cmd of open) {
            try {
              planned.push(this.plan(cmd, apps.get(streamIds.app(cmd.name))!, view));
            } catch (err) {
              if (!(err instanceof DomainException)) throw err;
              cmd.reject(err);
              open = open.filter((c) => c !== cmd);
            }
          }
          await this.repo.appendAll(planned.map((p) => ({ writes: p.writes, ctx: p.cmd.ctx })));
          for (const p of planned) {
            for (const w of p.writes.slice(1)) this.cluster.applyCommitted(w.streamId, w.expectedVersion as number, w.events as NodeEvent[]);
            p.cmd.resolve(p.result);
          }
          open = [];
        },
        async (conflict) => {
          if (conflict.streamId.startsWith('node-')) await this.cluster.reload([conflict.streamId]);
        },
      );
    } catch (err) {
      open.forEach((c) => c.reject(err));
    }
  }

  /** plan decides one command on its app's state and the group's view, and records its placements in the view. */
  private plan(cmd: Queued, loaded: Loaded<AppState>, view: PlanView): Planned {
    const decided = orThrow(cmd.decide(loaded.state));
    const state = decided.reduce(evolveApp, loaded.state);
    const nodes = view.candidates();
    if (cmd.opts.checkFits && state.status === 'active') {
      const unfit = checkPlaceable(state.spec.resources, nodes);
      if (unfit) throw new DomainException(unfit);
    }
    const plan = scheduleApp(state, nodes, { newInstanceId: randomUUID, rng: this.rng });
    const appEvents = [...decided, ...plan.app];
    const writes: StreamWrite[] = [{ streamId: streamIds.app(cmd.name), expectedVersion: loaded.version, events: appEvents }];
    for (const [nodeId, events] of plan.nodes) {
      const streamId = streamIds.node(nodeId);
      writes.push({ streamId, expectedVersion: view.version(streamId), events });
      view.apply(streamId, events);
    }
    return { cmd, writes, result: plan.app.reduce(evolveApp, state) };
  }
}
