import pLimit from 'p-limit';
import { EventBus, Subscription, Topics } from '@mammoth/events';
import { NodeDaemonConfig } from '../config';
import { ControlPlaneClient, InstanceReport } from '../control-plane/control-plane.client';
import { GraphQLRequestError, isRefused } from '../control-plane/graphql-client';
import { retryUntilDone, sleep } from '../agent/backoff';
import { subscribeNodeStreams } from '../agent/node-events';
import { FleetHeartbeater } from './fleet-heartbeats';
import { HollowNode } from './hollow-node';
import { ReportBatcher } from './report-batcher';
import { simNodeConfigs } from './sim-nodes';
import { SnapshotBatcher } from './snapshot-batcher';
import { Stagger } from './stagger';
import { throttledLog } from './throttled-log';

/** FleetControlPlane is the part of the control plane a fleet talks to. */
export type FleetControlPlane = Pick<ControlPlaneClient, 'registerNode' | 'fetchSnapshotsOf' | 'reportInstances'>;

/** HollowFleetDeps wire a fleet to the control plane and Kafka; `config` is the process's, each node's is derived from it. */
export interface HollowFleetDeps {
  readonly config: NodeDaemonConfig;
  readonly controlPlane: FleetControlPlane;
  readonly bus: EventBus;
  readonly topics: Topics;
  readonly log: (message: string) => void;
  /** verbose prints every node's routine lifecycle lines (started, stopped); otherwise they are only counted. */
  readonly verbose?: boolean;
  /** onBeat hears of every heartbeat publish (the process's liveness). */
  readonly onBeat?: () => void;
}

/** FleetStats count what the fleet did since start, for the status line and tests. */
export interface FleetStats {
  registered: number;
  snapshots: number;
  reportsSent: number;
  reportCalls: number;
  eventsRouted: number;
}

const REGISTER_CONCURRENCY = 16;
const SNAPSHOT_BATCH = 100;
const SNAPSHOT_LINGER_MS = 10;
const SNAPSHOT_CONCURRENCY = 4;
const REPORT_BATCH = 1000;
/** REPORT_BYTES keeps a merged call under the control plane's 100 kB JSON body limit. */
const REPORT_BYTES = 90_000;
/** REPORT_LINGER_MS is a little over a node's own report delay (50 ms), so the reports of nodes acting together share a call. */
const REPORT_LINGER_MS = 100;
const REPORT_CONCURRENCY = 2;
/** TICK_MS is the fleet clock: each tick reconciles and resyncs the slice of nodes whose turn it is. */
const TICK_MS = 100;
const SUBSCRIBE_WAIT_MS = 15000;
const EARLY_RESYNC_MS = 3000;
const DRAIN_TIMEOUT_MS = 15000;
const STATUS_EVERY_MS = 10000;

/**
 * HollowFleet runs N hollow nodes in one process, as kubemark and KWOK do, and keeps the cost per node small: ONE Kafka
 * consumer routing node-stream events by key, heartbeats in a few produce calls per interval, registrations with bounded
 * concurrency, snapshots (only at start, on a gap and on a resync staggered over the interval) merged into calls of many nodes,
 * reports of all nodes merged into large reportInstances calls, and one clock that spreads reconcile passes evenly.
 */
export class HollowFleet {
  readonly nodes: HollowNode[];
  readonly stats: FleetStats = { registered: 0, snapshots: 0, reportsSent: 0, reportCalls: 0, eventsRouted: 0 };
  private readonly byStream = new Map<string, HollowNode>();
  private metricsPort: number | undefined;
  private readonly heartbeats: FleetHeartbeater;
  private readonly abort = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly warn: (message: string) => void;
  private subscription: Subscription | null = null;
  private running: Promise<void> | null = null;
  private tickCount = 1;
  private readonly registerLimit = pLimit(REGISTER_CONCURRENCY);
  private readonly registering = new Set<HollowNode>();
  private readonly reconcileTurns: Stagger;
  private readonly resyncTurns: Stagger;
  private lastStatus = '';

  constructor(private readonly deps: HollowFleetDeps) {
    const { config, controlPlane, bus, topics, log } = deps;
    this.warn = throttledLog(log, 5000);
    const snapshots = new SnapshotBatcher(controlPlane, {
      maxBatch: SNAPSHOT_BATCH,
      lingerMs: SNAPSHOT_LINGER_MS,
      concurrency: SNAPSHOT_CONCURRENCY,
      onFetched: (n) => (this.stats.snapshots += n),
    });
    const batcher = new ReportBatcher(controlPlane, {
      maxBatch: REPORT_BATCH,
      maxBytes: REPORT_BYTES,
      lingerMs: REPORT_LINGER_MS,
      concurrency: REPORT_CONCURRENCY,
      isRejected: isRefused,
      onSent: (reports: readonly InstanceReport[]) => {
        this.stats.reportsSent += reports.length;
        this.stats.reportCalls++;
      },
    });
    const trace = deps.verbose ? log : () => undefined;
    this.nodes = simNodeConfigs(config).map(
      (nodeConfig) =>
        new HollowNode({
          config: nodeConfig,
          snapshots: snapshots.sourceFor(nodeConfig.nodeId),
          reports: batcher.sinkFor(),
          reregister: (n) => void this.registerAgain(n),
          log: this.warn,
          trace,
        }),
    );
    for (const n of this.nodes) this.byStream.set(n.streamId, n);
    this.reconcileTurns = new Stagger(this.nodes.length, Math.max(1, Math.round(config.reconcileIntervalMs / TICK_MS)));
    this.resyncTurns = new Stagger(this.nodes.length, Math.max(1, Math.round(config.resyncIntervalMs / TICK_MS)));
    this.heartbeats = new FleetHeartbeater({
      bus,
      topic: topics.heartbeats(),
      nodeIds: this.nodes.map((n) => n.nodeId),
      intervalMs: config.heartbeatIntervalMs,
      log,
      onBeat: deps.onBeat,
      usage: { cpuPercent: 0, memoryMiB: 0 },
    });
  }

  /** start begins the fleet's life in the background; onFatal hears of a failure retrying cannot fix. */
  start(onFatal: (err: Error) => void, metricsPort?: number): void {
    this.metricsPort = metricsPort;
    this.running = this.run().catch((err: Error) => {
      if (!this.abort.signal.aborted) onFatal(err);
    });
  }

  /** stop ends heartbeats, the subscription and the clock, and sends pending reports; the simulated containers vanish with the process. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.timers.forEach((t) => clearInterval(t));
    this.heartbeats.stop();
    await this.running;
    await this.subscription?.stop().catch(() => undefined);
    const drained = new AbortController();
    await Promise.race([Promise.all(this.nodes.map((n) => n.drain())), sleep(DRAIN_TIMEOUT_MS, drained.signal)]);
    drained.abort();
  }

  private async run(): Promise<void> {
    const { log } = this.deps;
    const signal = this.abort.signal;
    const started = Date.now();
    // Heartbeat from the start: registering thousands of nodes takes seconds, and a node registered early must not fall
    // silent while the rest register (the control plane only notes heartbeats of nodes it does not know yet).
    this.heartbeats.start();
    await this.registerAll();
    if (signal.aborted) return;
    log(
      `registered ${this.nodes.length} hollow node(s) ${this.nodes[0].nodeId}..${this.nodes.at(-1)!.nodeId} in ${Date.now() - started} ms`,
    );

    const subscribed = this.subscribe();
    await Promise.race([subscribed, sleep(SUBSCRIBE_WAIT_MS, signal)]);
    await Promise.all(
      this.nodes.map((n) =>
        retryUntilDone(() => n.resync(), {
          signal,
          onError: (err, ms) =>
            this.warn(`cannot fetch ${n.nodeId}'s assignments yet (${(err as Error).message}); retrying in ${ms} ms`),
        }),
      ),
    );
    if (signal.aborted) return;
    const instances = this.nodes.reduce((sum, n) => sum + (n.desired.assignments()?.size ?? 0), 0);
    log(
      `desired state of ${this.nodes.length} node(s) fetched: ${instances} instance(s); fleet ready in ${Date.now() - started} ms`,
    );

    this.nodes.forEach((n) => void n.tick());
    this.timers.push(setInterval(() => this.tick(), TICK_MS));
    this.timers.push(setTimeout(() => this.nodes.forEach((n) => void this.resync(n)), EARLY_RESYNC_MS));
    this.timers.push(setInterval(() => this.status(), STATUS_EVERY_MS));
  }

  /** registerAll registers every node, a bounded number at a time, each retrying until the control plane answers. */
  private async registerAll(): Promise<void> {
    const { log } = this.deps;
    const step = Math.max(1, Math.ceil(this.nodes.length / 5));
    await Promise.all(
      this.nodes.map(async (n) => {
        await this.register(n);
        if (++this.stats.registered % step === 0 && this.stats.registered < this.nodes.length)
          log(`registered ${this.stats.registered}/${this.nodes.length} hollow nodes`);
      }),
    );
  }

  /** register registers one node (bounded concurrency across the fleet), retrying until the control plane answers. */
  private register(n: HollowNode): Promise<void> {
    const { controlPlane, config } = this.deps;
    return this.registerLimit(async () => {
      if (this.abort.signal.aborted) return;
      const info = { ...n.info, ...(this.metricsPort ? { metricsPort: this.metricsPort } : {}) };
      await retryUntilDone(() => controlPlane.registerNode(info), {
        signal: this.abort.signal,
        fatal: (err) => err instanceof GraphQLRequestError && err.code === 'INVALID_ARGUMENT',
        onError: (err, ms) =>
          this.warn(
            `cannot register ${n.nodeId} with ${config.controlPlaneUrls.join(',')} yet (${(err as Error).message}); retrying in ${ms} ms`,
          ),
      });
    });
  }

  /** registerAgain registers a node the control plane removed while this fleet still runs it, as a real daemon does. */
  private async registerAgain(n: HollowNode): Promise<void> {
    if (this.abort.signal.aborted || this.registering.has(n)) return;
    this.registering.add(n);
    this.warn(`${n.nodeId} is no longer registered with the control plane (removed); registering again`);
    try {
      await this.register(n);
      await this.resync(n);
    } finally {
      this.registering.delete(n);
    }
  }

  /** subscribe follows the node topic for the whole fleet, retrying in the background until Kafka answers; a late subscription resyncs every node. */
  private async subscribe(): Promise<void> {
    const { bus, topics, config, log } = this.deps;
    let late = false;
    const handlerOf = (streamId: string) => {
      const node = this.byStream.get(streamId);
      if (!node) return undefined;
      return (e: Parameters<HollowNode['receive']>[0]) => {
        this.stats.eventsRouted++;
        node.receive(e);
      };
    };
    const sub = await retryUntilDone(
      () => subscribeNodeStreams(bus, topics, `sim.${config.sim.idPrefix}`, handlerOf, log),
      {
        signal: this.abort.signal,
        onError: (err, ms) => {
          late = true;
          log(`cannot follow ${topics.events('node')} yet (${(err as Error).message}); retrying in ${ms} ms`);
        },
      },
    );
    if (!sub) return;
    if (this.abort.signal.aborted) return void (await sub.stop().catch(() => undefined));
    this.subscription = sub;
    log(`following ${topics.events('node')} for ${this.nodes.length} hollow node(s) with one consumer`);
    if (late) this.nodes.forEach((n) => void this.resync(n));
  }

  /** tick reconciles the nodes whose turn it is, and resyncs those whose resync turn it is, so both spread evenly over their intervals. */
  private tick(): void {
    const t = this.tickCount++;
    for (const i of this.reconcileTurns.due(t)) void this.nodes[i].tick();
    for (const i of this.resyncTurns.due(t)) void this.resync(this.nodes[i]);
  }

  private async resync(n: HollowNode): Promise<void> {
    try {
      await n.resync();
    } catch (err) {
      this.warn(`resync of ${n.nodeId} failed, will retry: ${(err as Error).message}`);
    }
  }

  private status(): void {
    const containers = this.nodes.reduce((sum, n) => sum + n.runtime.size, 0);
    const s = this.stats;
    const work = `${containers} simulated container(s) on ${this.nodes.length} node(s); ${s.eventsRouted} event(s) routed, ${s.reportsSent} report(s) in ${s.reportCalls} call(s)`;
    // Snapshots and heartbeats tick on in a quiet fleet: print only when the fleet did work.
    if (work !== this.lastStatus)
      this.deps.log(`${work}, ${s.snapshots} snapshot(s), ${this.heartbeats.sent} heartbeat(s)`);
    this.lastStatus = work;
  }
}
