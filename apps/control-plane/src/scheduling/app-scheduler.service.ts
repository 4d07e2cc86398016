import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import seedrandom from 'seedrandom';
import {
  AppState,
  checkPlaceable,
  Decision,
  evolveApp,
  foldApp,
  NodeCandidate,
  scheduleApp,
  ScheduleOptions,
  ScheduleResult,
} from '@mammoth/domain';
import { AppEvent, NodeEvent, streamIds } from '@mammoth/events';
import { AppendContext, StreamWrite } from '@mammoth/event-store';
import { withoutCorrelation } from '@mammoth/platform';
import { AggregateRepository, Loaded } from './aggregate-repository';
import { orThrow, DomainException } from '../common/domain.exception';
import { ClusterState } from '../infra/cluster-state';
import { CONFIG, ControlPlaneConfig } from '../infra/config';
import { AppStates } from './app-states';
import { PlanView } from './plan-view';

/**
 * Schedule decides one app command on the app's state and the cluster as the group sees it: the app's events and each
 * node's. It is pure; a DomainException refuses the command alone.
 */
export type Schedule = (state: AppState, nodes: readonly NodeCandidate[], opts: ScheduleOptions) => ScheduleResult;

/** Scheduled is what a committed command wrote to its app stream and the app state that leads to. */
export interface Scheduled {
  readonly state: AppState;
  readonly events: readonly AppEvent[];
}

/** Queued is one app command waiting for its group. */
interface Queued {
  readonly name: string;
  readonly schedule: Schedule;
  readonly ctx: AppendContext;
  resolve(done: Scheduled): void;
  reject(err: unknown): void;
}

/** Planned is a command's writes and what it leads to. */
interface Planned {
  readonly cmd: Queued;
  readonly loaded: Loaded<AppState>;
  readonly writes: StreamWrite[];
  readonly done: Scheduled;
}

/** MAX_GROUP caps the commands planned and committed together (a mass failure repairs up to this many apps per transaction). */
const MAX_GROUP = 64;

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
  private readonly apps: AppStates;
  private queue: Queued[] = [];
  private draining = false;

  constructor(
    private readonly repo: AggregateRepository,
    private readonly cluster: ClusterState,
    @Inject(CONFIG) config: ControlPlaneConfig,
  ) {
    this.rng = seedrandom(config.schedulerSeed);
    this.apps = new AppStates(repo.store);
  }

  /**
   * run loads the app, applies `decide`, plans placements and stops on the current cluster snapshot, and appends the
   * app's and every touched node's events at their expected versions; a conflict re-plans on fresh state.
   */
  async run(
    name: string,
    decide: (state: AppState) => Decision<AppEvent>,
    ctx: AppendContext,
    opts: { checkFits?: boolean } = {},
  ): Promise<AppState> {
    const schedule: Schedule = (loaded, nodes, scheduleOpts) => {
      const decided = orThrow(decide(loaded));
      const state = decided.reduce(evolveApp, loaded);
      if (opts.checkFits && state.status === 'active') {
        const unfit = checkPlaceable(state.spec.resources, nodes);
        if (unfit) throw new DomainException(unfit);
      }
      const plan = scheduleApp(state, nodes, scheduleOpts);
      return { app: [...decided, ...plan.app], nodes: plan.nodes };
    };
    return (await this.schedule(name, schedule, ctx)).state;
  }

  /**
   * schedule queues a command given as a whole Schedule (for example replacing the instances of lost nodes) and commits it
   * with the rest of its group; it resolves with what it wrote once committed.
   */
  schedule(name: string, schedule: Schedule, ctx: AppendContext): Promise<Scheduled> {
    return new Promise<Scheduled>((resolve, reject) => {
      this.queue.push({ name, schedule, ctx, resolve, reject });
      // The drain commits other callers' commands too: it carries none of their correlation ids.
      void withoutCorrelation(() => this.drain());
    });
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    // Let the commands queued in the same tick (a burst of repairs, a batch of deploys) join the first group.
    await Promise.resolve();
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
          const [, apps] = await Promise.all([this.cluster.refresh(), this.apps.load(appStreams)]);
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
            for (const w of p.writes.slice(1))
              this.cluster.applyCommitted(w.streamId, w.expectedVersion as number, w.events as NodeEvent[]);
            this.apps.committed(p.writes[0].streamId, p.loaded, p.done.events, p.done.state);
            p.cmd.resolve(p.done);
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
    const result = cmd.schedule(loaded.state, view.candidates(), { newInstanceId: randomUUID, rng: this.rng });
    const writes: StreamWrite[] = [
      { streamId: streamIds.app(cmd.name), expectedVersion: loaded.version, events: result.app },
    ];
    for (const [nodeId, events] of result.nodes) {
      const streamId = streamIds.node(nodeId);
      writes.push({ streamId, expectedVersion: view.version(streamId), events });
      view.apply(streamId, events);
    }
    return { cmd, loaded, writes, done: { state: foldApp(loaded.state, result.app), events: result.app } };
  }
}
