import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppState, foldApp, initialAppState, ScheduleOptions, ScheduleResult } from '@mammoth/domain';
import { AppEvent, NodeEvent, streamIds } from '@mammoth/events';
import { AppendContext, StreamWrite } from '@mammoth/event-store';
import { withoutCorrelation } from '@mammoth/platform';
import { ClusterState } from '../infra/cluster-state';
import { AggregateRepository, Loaded, LoadedInstance } from './aggregate-repository';
import { AppStates } from './app-states';
import { NodesView, PlanView } from './plan-view';
import { Random, RANDOM } from './random';
import { commitConflicts, placements, unplaced } from './scheduling.metrics';

/** PlanInput is what a command decides on: its app's state, the instances it asked for, the group's nodes, ids and randomness. */
export interface PlanInput {
  readonly app: AppState;
  readonly instances: ReadonlyMap<string, LoadedInstance>;
  readonly nodes: NodesView;
  readonly opts: ScheduleOptions;
}

/** Plan is a command's decision: the events for its app's stream and for each node's, and the answer for its caller. */
export interface Plan<T> extends ScheduleResult {
  readonly value: T;
}

/**
 * Command is one write through the plan queue. `decide` is pure and runs on fresh state at every attempt; anything it
 * throws refuses this command alone. Deciding again on a state that holds the command's own events must write nothing.
 */
export interface Command<T> {
  /** app names the app whose stream the command decides on and writes; null for a commit on node streams only. */
  readonly app: string | null;
  readonly ctx: AppendContext;
  /** instances lists the instances whose states the decision reads, given the app's state. */
  readonly instances?: (app: AppState) => Iterable<string>;
  readonly decide: (input: PlanInput) => Plan<T>;
}

/** Committed is what a command wrote, the app state that leads to (none for a node-only command) and its answer. */
export interface Committed<T> {
  readonly value: T;
  readonly state: AppState;
  readonly events: readonly AppEvent[];
  readonly nodes: ReadonlyMap<string, readonly NodeEvent[]>;
}

interface Queued {
  readonly command: Command<unknown>;
  resolve(done: Committed<unknown>): void;
  reject(err: unknown): void;
}

interface Planned {
  readonly queued: Queued;
  readonly loaded: Loaded<AppState> | null;
  readonly writes: StreamWrite[];
  readonly done: Committed<unknown>;
}

/** MAX_GROUP caps the commands planned and committed together (a mass failure repairs up to this many apps per transaction). */
const MAX_GROUP = 64;

/**
 * PlanQueue is the control plane's one write path for app and node streams (Emmett's handleCommand, Nomad's plan queue):
 * every command hands it a closure; it loads the app's state, the instances the command reads and the cluster, decides,
 * appends the app's and every touched node's events at their expected versions (an Omega-style optimistic commit), and
 * re-plans on a conflict. Within one process, plans are made one at a time, so commands never conflict with each other on
 * the node streams they share; commands that queue up meanwhile are planned one after another on the same view and
 * committed together in one transaction (a group commit), each with its own metadata, at most one per app per group so
 * an app with many queued commands (a churning app's repairs) takes one place in each group and delays no other app.
 */
@Injectable()
export class PlanQueue {
  private readonly apps: AppStates;
  private queue: Queued[] = [];
  private draining = false;

  constructor(
    private readonly repo: AggregateRepository,
    private readonly cluster: ClusterState,
    @Inject(RANDOM) private readonly random: Random,
  ) {
    this.apps = new AppStates(repo.store);
  }

  /** commit queues a command and resolves with what it wrote once its group committed. */
  commit<T>(command: Command<T>): Promise<Committed<T>> {
    return new Promise<Committed<T>>((resolve, reject) => {
      this.queue.push({ command, resolve: resolve as (d: Committed<unknown>) => void, reject });
      // The drain commits other callers' commands too: it carries none of their correlation ids.
      void withoutCorrelation(() => this.drain());
    });
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    // Let the commands queued in the same tick (a burst of repairs, a sweep's verdicts) join the first group.
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
    const apps = new Set<string>();
    const rest: Queued[] = [];
    for (const q of this.queue) {
      const app = q.command.app;
      if (group.length < MAX_GROUP && (app === null || !apps.has(app))) {
        group.push(q);
        if (app !== null) apps.add(app);
      } else rest.push(q);
    }
    this.queue = rest;
    return group;
  }

  /** commitGroup plans and commits a group, settling every command: refused ones alone, the rest together. */
  private async commitGroup(group: Queued[]): Promise<void> {
    let open = group;
    const refuse = (q: Queued, err: unknown) => {
      q.reject(err);
      open = open.filter((o) => o !== q);
    };
    try {
      await this.repo.retrying(
        async () => {
          const appStreams = open.flatMap((q) => (q.command.app === null ? [] : [streamIds.app(q.command.app)]));
          const [, apps] = await Promise.all([this.cluster.refresh(), this.apps.load(appStreams)]);
          const loadedOf = (q: Queued) => (q.command.app === null ? null : apps.get(streamIds.app(q.command.app))!);
          const wanted: string[] = [];
          for (const q of open) {
            try {
              wanted.push(...(q.command.instances?.(loadedOf(q)?.state ?? initialAppState()) ?? []));
            } catch (err) {
              refuse(q, err);
            }
          }
          const instances = await this.repo.loadInstances(wanted);
          const view = new PlanView(this.cluster);
          const planned: Planned[] = [];
          for (const q of open) {
            try {
              planned.push(this.plan(q, loadedOf(q), instances, view));
            } catch (err) {
              refuse(q, err);
            }
          }
          await this.repo.appendAll(planned.map((p) => ({ writes: p.writes, ctx: p.queued.command.ctx })));
          for (const p of planned) this.committed(p);
          open = [];
        },
        async (conflict) => {
          commitConflicts.inc({ stream: conflict.streamId.split('-')[0] });
          if (conflict.streamId.startsWith('node-')) await this.cluster.reload([conflict.streamId]);
        },
      );
    } catch (err) {
      open.forEach((q) => q.reject(err));
    }
  }

  /** plan decides one command on its app's state and the group's view, and records its node events in the view. */
  private plan(
    queued: Queued,
    loaded: Loaded<AppState> | null,
    instances: ReadonlyMap<string, LoadedInstance>,
    view: PlanView,
  ): Planned {
    const { command } = queued;
    const app = loaded?.state ?? initialAppState();
    const plan = command.decide({ app, instances, nodes: view, opts: { newInstanceId: randomUUID, rng: this.random } });
    if (!loaded && plan.app.length > 0) throw new Error('a command on node streams only decided app events');
    const writes: StreamWrite[] = [];
    if (loaded && command.app !== null)
      writes.push({ streamId: streamIds.app(command.app), expectedVersion: loaded.version, events: plan.app });
    for (const [nodeId, events] of plan.nodes) {
      if (events.length === 0) continue;
      const streamId = streamIds.node(nodeId);
      writes.push({ streamId, expectedVersion: view.version(streamId), events });
      view.apply(streamId, events);
    }
    const state = loaded ? foldApp(loaded.state, plan.app) : app;
    return { queued, loaded, writes, done: { value: plan.value, state, events: plan.app, nodes: plan.nodes } };
  }

  /** committed folds a committed plan into the caches, so the next group plans on it without reading it back, and settles it. */
  private committed(p: Planned): void {
    for (const e of p.done.events)
      if (e.type === 'InstancePlaced') placements.inc();
      else if (e.type === 'InstancesPending') unplaced.inc(e.data.count);
    for (const w of p.writes) {
      if (w.streamId.startsWith('node-'))
        this.cluster.applyCommitted(w.streamId, w.expectedVersion as number, w.events as NodeEvent[]);
      else if (p.loaded) this.apps.committed(w.streamId, p.loaded, p.done.events, p.done.state);
    }
    p.queued.resolve(p.done);
  }
}
