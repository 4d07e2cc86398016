import { NodeInfo } from '@mammoth/domain';
import { EventBus, Subscription, Topics } from '@mammoth/events';
import { NodeDaemonConfig } from './config';
import { ControlPlaneClient } from './control-plane/control-plane.client';
import { GraphQLRequestError, isRefused } from './control-plane/graphql-client';
import { DesiredState } from './desired-state';
import { retryUntilDone, sleep } from './agent/backoff';
import { Heartbeater } from './agent/heartbeat';
import { readinessOf } from './agent/readiness';
import { subscribeNodeEvents } from './agent/node-events';
import { ReconcileLoop } from './agent/reconcile-loop';
import { ReportQueue } from './agent/report-queue';
import { ContainerRuntime } from './runtime/container-runtime';
import { UsageCollector, UsageSource } from './usage/usage-collector';

/** NodeAgentDeps wires a NodeAgent to its adapters. */
export interface NodeAgentDeps {
  readonly config: NodeDaemonConfig;
  readonly runtime: ContainerRuntime;
  readonly controlPlane: ControlPlaneClient;
  readonly bus: EventBus;
  readonly topics: Topics;
  readonly log: (message: string) => void;
  /** onBeat hears of every heartbeat publish (the process's liveness). */
  readonly onBeat?: () => void;
  /** usage, when given, is sampled for /metrics and the heartbeats (the docker driver). */
  readonly usage?: UsageSource;
}

/** SUBSCRIBE_WAIT_MS is how long the first snapshot waits for Kafka; past it, the daemon runs on snapshots until Kafka comes. */
const SUBSCRIBE_WAIT_MS = 15000;
/** EARLY_RESYNC_MS closes the window between joining the consumer group and its first fetch with a second early snapshot. */
const EARLY_RESYNC_MS = 3000;
const DRAIN_TIMEOUT_MS = 15000;

/** nodeInfoOf is what this daemon registers: the machine's facts from the config. */
export function nodeInfoOf(c: NodeDaemonConfig): NodeInfo {
  return {
    nodeId: c.nodeId,
    hostname: c.hostname,
    address: c.address,
    capacity: { cpuMillis: Math.round(c.cpus * 1000), memoryMiB: c.memoryMiB, diskMiB: c.diskMiB },
    portRange: c.portRange,
    labels: { ...c.labels },
    driver: c.driver,
  };
}

/**
 * NodeAgent is the daemon's life: register (until the control plane answers), heartbeat, follow the node's desired
 * state (Kafka plus snapshots) and reconcile containers on every change, every container death and every tick.
 */
export class NodeAgent {
  private readonly abort = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly reports: ReportQueue;
  private readonly loop: ReconcileLoop;
  private readonly desired: DesiredState;
  private readonly heartbeat: Heartbeater;
  private subscription: Subscription | null = null;
  private unwatch: () => void = () => undefined;
  private running: Promise<void> | null = null;
  private registering: Promise<void> | null = null;
  private readonly usage: UsageCollector | null;
  private metricsPort: number | undefined;

  constructor(private readonly deps: NodeAgentDeps) {
    const { config, runtime, controlPlane, bus, topics, log } = deps;
    this.reports = new ReportQueue(
      controlPlane,
      (err, pending) => log(`reporting ${pending} instance state(s) failed, will retry: ${(err as Error).message}`),
      isRefused,
      (r, err) =>
        log(
          `control plane refused report ${r.state} of instance ${r.instanceId}, dropping it: ${(err as Error).message}`,
        ),
    );
    this.desired = new DesiredState(
      nodeInfoOf(config),
      controlPlane,
      () => void this.loop.trigger(),
      () => void this.registerAgain(),
    );
    this.loop = new ReconcileLoop({
      nodeId: config.nodeId,
      runtime,
      reports: this.reports,
      desired: () => this.desired.assignments(),
      released: () => this.desired.takeReleased(),
      log,
    });
    const { intervalMs, concurrency } = config.usage;
    this.usage =
      deps.usage && intervalMs > 0
        ? new UsageCollector({ nodeId: config.nodeId, source: deps.usage, intervalMs, concurrency, log })
        : null;
    this.heartbeat = new Heartbeater({
      bus,
      topic: topics.heartbeats(),
      nodeId: config.nodeId,
      intervalMs: config.heartbeatIntervalMs,
      log,
      onBeat: deps.onBeat,
      readiness: (now) => readinessOf(this.loop.progress(), now.getTime(), config.runtimeStuckAfterMs),
      usage: () => this.usage?.summary(),
    });
  }

  /**
   * start begins the agent's life in the background; onFatal hears of a failure retrying cannot fix. `metricsPort` is
   * registered as where this daemon serves /metrics on the node's address.
   */
  start(onFatal: (err: Error) => void, metricsPort?: number): void {
    this.metricsPort = metricsPort;
    this.running = this.run().catch((err: Error) => {
      if (!this.abort.signal.aborted) onFatal(err);
    });
  }

  /** stop ends heartbeats, the subscription and the loop, waits for work in flight and sends pending reports; containers keep running. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.timers.forEach((t) => clearInterval(t));
    this.unwatch();
    this.heartbeat.stop();
    await this.usage?.stop();
    await this.running;
    await this.subscription?.stop().catch(() => undefined);
    await Promise.race([this.loop.drain(), sleep(DRAIN_TIMEOUT_MS)]);
  }

  private async run(): Promise<void> {
    const { config, log } = this.deps;
    const signal = this.abort.signal;
    await this.register();
    if (signal.aborted) return;
    log(
      `registered node ${config.nodeId} (${config.cpus} cpus, ${config.memoryMiB} MiB, ports ${config.portRange.from}-${config.portRange.to})`,
    );
    this.heartbeat.start();
    this.usage?.start();
    // Ticks list the containers even before the desired state is known: the runtime's answers make the node's readiness.
    this.every(config.reconcileIntervalMs, () => this.loop.trigger());

    const subscribed = this.subscribe();
    await Promise.race([subscribed, sleep(SUBSCRIBE_WAIT_MS, signal)]);
    await retryUntilDone(() => this.desired.resync(), {
      signal,
      onError: (err, ms) =>
        log(`cannot fetch the node's assignments yet (${(err as Error).message}); retrying in ${ms} ms`),
    });
    if (signal.aborted) return;
    log(
      `desired state at version ${this.desired.currentVersion()}: ${this.desired.assignments()?.size ?? 0} instance(s)`,
    );

    this.unwatch = this.deps.runtime.watchExits(() => void this.loop.trigger());
    void this.loop.trigger();
    this.every(config.resyncIntervalMs, () => this.resync());
    this.timers.push(setTimeout(() => void this.resync(), EARLY_RESYNC_MS));
  }

  /** register registers this machine, retrying until the control plane answers. */
  private async register(): Promise<void> {
    const { config, controlPlane, log } = this.deps;
    const info = { ...nodeInfoOf(config), ...(this.metricsPort ? { metricsPort: this.metricsPort } : {}) };
    await retryUntilDone(() => controlPlane.registerNode(info), {
      signal: this.abort.signal,
      fatal: (err) => err instanceof GraphQLRequestError && err.code === 'INVALID_ARGUMENT',
      onError: (err, ms) =>
        log(
          `cannot register with ${config.controlPlaneUrls.join(',')} yet (${(err as Error).message}); retrying in ${ms} ms`,
        ),
    });
  }

  /**
   * registerAgain answers the control plane removing this node while it still runs (lost for longer than the clean-up
   * time, e.g. across a long partition): its instances were replaced and released, so the reconcile loop stops them, and
   * the node registers again as a fresh, empty machine instead of staying outside the cluster until someone restarts it.
   */
  private registerAgain(): Promise<void> {
    if (this.abort.signal.aborted) return Promise.resolve();
    this.registering ??= (async () => {
      this.deps.log(
        `node ${this.deps.config.nodeId} is no longer registered with the control plane (removed); registering again`,
      );
      try {
        await this.register();
        await this.resync();
      } finally {
        this.registering = null;
      }
    })();
    return this.registering;
  }

  /** subscribe follows the node topic, retrying in the background until Kafka answers; a late subscription resyncs. */
  private async subscribe(): Promise<void> {
    const { bus, topics, config, log } = this.deps;
    let late = false;
    const sub = await retryUntilDone(
      () => subscribeNodeEvents(bus, topics, config.nodeId, (e) => this.desired.receive(e), log),
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
    log(`following ${topics.events('node')} for node-${config.nodeId}`);
    if (late) await this.resync();
  }

  private async resync(): Promise<void> {
    try {
      await this.desired.resync();
    } catch (err) {
      this.deps.log(`resync failed, will retry: ${(err as Error).message}`);
    }
  }

  private every(ms: number, fn: () => Promise<unknown>): void {
    this.timers.push(setInterval(() => void fn(), ms));
  }
}
