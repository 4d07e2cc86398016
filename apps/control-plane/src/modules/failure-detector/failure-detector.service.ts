import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { KafkaEventBus, Topics } from '@mammoth/events';
import { BackgroundLoop } from '../../common/background-loop';
import { inCommandContext, newContext } from '../../common/command-context';
import { ClusterState } from '../../infra/cluster-state';
import { CONFIG, ControlPlaneConfig } from '../../infra/config';
import { Loops } from '../../scheduling/loops';
import { DETECTOR_CONFIG, DetectorConfig } from './detector.config';
import { DetectorLease } from './detector-lease';
import { HeartbeatListener } from './heartbeat-listener';
import { judge, NodeView, Verdict } from './judge';
import { heartbeatAge } from './detector.metrics';
import { LastSeen } from './last-seen';
import { NodeRepair } from './node-repair';

const iso = (ms: number) => new Date(ms).toISOString();

/** DetectorStatus is what the API tells about this process's failure detector. */
export interface DetectorStatus {
  readonly enabled: boolean;
  readonly active: boolean;
  readonly activeSince: string | null;
  readonly lostAfterMs: number;
  readonly gcAfterMs: number;
  readonly nodesHeard: number;
}

/**
 * FailureDetector watches heartbeats in every control-plane process and, in the one holding the lease, sweeps every node:
 * it declares silent nodes lost and has their instances replaced, notes recoveries and stops a recovered node's stale
 * instances once their replacements run, and removes nodes lost for too long. A process that takes the lease resumes
 * whatever its predecessor left half done (every step is idempotent) after giving every node a fresh grace period.
 */
@Injectable()
export class FailureDetector implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('failure-detector');
  private readonly seen: LastSeen;
  private readonly listener: HeartbeatListener;
  private readonly lease: DetectorLease;
  private readonly loop: BackgroundLoop;
  private active = false;
  private untrack: (() => void) | null = null;
  /** replaced holds `node@lostAt` for each loss whose replacements this term has committed. */
  private readonly replaced = new Set<string>();
  /** settled holds, per recovered node, the stream version at which nothing stale was left to wait for. */
  private readonly settled = new Map<string, number>();

  constructor(
    @Inject(DETECTOR_CONFIG) private readonly config: DetectorConfig,
    @Inject(CONFIG) cp: ControlPlaneConfig,
    bus: KafkaEventBus,
    topics: Topics,
    private readonly cluster: ClusterState,
    private readonly repair: NodeRepair,
    loops: Loops,
  ) {
    const log = (m: string) => this.log.log(m);
    this.seen = new LastSeen(Math.max(1, Math.floor(config.lostAfterMs / 2)), config.resumeGraceMs);
    this.listener = new HeartbeatListener({ bus, topics, seen: this.seen, log: (m) => this.log.warn(m) });
    this.lease = new DetectorLease({ connectionString: cp.database.url, retryMs: config.leaseRetryMs, log });
    this.loop = loops.create({
      name: 'failure-detector',
      watchMs: config.sweepMs,
      sweepMs: 0,
      pass: () => this.sweep(),
    });
  }

  status(): DetectorStatus {
    const { enabled, lostAfterMs, gcAfterMs } = this.config;
    return {
      enabled,
      active: this.active,
      activeSince: this.active ? iso(this.lease.since) : null,
      lostAfterMs,
      gcAfterMs,
      nodesHeard: this.seen.size,
    };
  }

  onApplicationBootstrap(): void {
    if (!this.config.enabled) return void this.log.log('failure detector disabled (FAILURE_DETECTOR=off)');
    this.listener.start();
    this.lease.start();
    this.loop.start();
    this.untrack = heartbeatAge.track(() => (this.active ? this.ages(Date.now()) : []));
  }

  /** ages is, per node heard, the seconds since its last heartbeat (for /metrics). */
  private ages(now: number): { labels: { node: string }; value: number }[] {
    return [...this.seen.heard()].map(([node, at]) => ({ labels: { node }, value: (now - at) / 1000 }));
  }

  async onApplicationShutdown(): Promise<void> {
    this.untrack?.();
    await this.loop.stop();
    await this.lease.stop();
    await this.listener.stop();
  }

  private async sweep(): Promise<void> {
    if (!this.lease.held) {
      if (this.active) this.log.warn('standing by (lease not held)');
      this.active = false;
      return;
    }
    if (!this.active) {
      this.active = true;
      this.seen.startGrace(Date.now());
      this.replaced.clear();
      this.settled.clear();
      this.log.log(`active; every node has ${this.config.lostAfterMs} ms from now before it can be declared lost`);
    }
    await this.cluster.refresh();
    const reasons = await this.commitVerdicts();
    await this.replaceLost(reasons);
    await this.stopStale();
  }

  /** commitVerdicts judges every node and commits all verdicts at once; it returns the reasons of the losses it recorded. */
  private async commitVerdicts(): Promise<Map<string, string>> {
    const now = Date.now();
    const views: NodeView[] = this.cluster.registered().map(({ state }) => ({
      nodeId: state.info.nodeId,
      condition: state.condition,
      lostAt: state.lostAt ? Date.parse(state.lostAt) : null,
    }));
    const reasons = new Map<string, string>();
    const verdicts = judge(views, this.seen, now, this.config);
    if (verdicts.length === 0 || !this.lease.held) return reasons;
    const written = await this.repair.judge(
      verdicts.map((v) => ({ nodeId: v.nodeId, cmd: this.command(v, now), ctx: newContext('failure-detector') })),
    );
    for (const [nodeId, events] of written) {
      for (const e of events) {
        const reason = 'reason' in e.data ? e.data.reason : '';
        this.log.log(`node ${nodeId}: ${e.type}: ${reason}`);
        if (e.type === 'NodeLost') reasons.set(nodeId, e.data.reason);
      }
    }
    return reasons;
  }

  private command(v: Verdict, now: number) {
    switch (v.kind) {
      case 'lost':
        return {
          type: 'MarkNodeLost' as const,
          at: iso(now),
          lastSeen: v.lastSeen === null ? null : iso(v.lastSeen),
          since: iso(v.since),
          lostAfterMs: this.config.lostAfterMs,
          notReady: v.notReady ?? null,
        };
      case 'recovered':
        return { type: 'MarkNodeRecovered' as const, at: iso(now), heartbeatAt: iso(v.heartbeatAt) };
      case 'remove':
        return { type: 'RemoveLostNode' as const, at: iso(now), gcAfterMs: this.config.gcAfterMs };
      default: {
        const _exhaustive: never = v;
        return _exhaustive;
      }
    }
  }

  /**
   * replaceLost replaces the instances of every lost node this term has not handled yet (including a predecessor's), all
   * of them together: one decision per app touched, so losing a rack costs as many commits as it has apps, not apps × nodes.
   */
  private async replaceLost(reasons: Map<string, string>): Promise<void> {
    const lost: { key: string; nodeId: string; reason: string }[] = [];
    for (const { state } of this.cluster.registered()) {
      if (state.condition !== 'lost') continue;
      const nodeId = state.info.nodeId;
      const key = `${nodeId}@${state.lostAt}`;
      if (!this.replaced.has(key))
        lost.push({ key, nodeId, reason: reasons.get(nodeId) ?? `declared lost at ${state.lostAt}` });
    }
    if (lost.length === 0 || !this.lease.held) return;
    const started = Date.now();
    const placed = await inCommandContext('failure-detector', (ctx) => this.repair.replaceLost(lost, ctx));
    for (const n of lost) this.replaced.add(n.key);
    const total = [...placed.values()].reduce((a, b) => a + b, 0);
    if (total > 0)
      this.log.log(`${lost.length} lost node(s): ${total} replacement(s) placed in ${Date.now() - started} ms`);
  }

  /** stopStale stops recovered nodes' stale instances whose replacements run; nodes with nothing left to wait for are skipped. */
  private async stopStale(): Promise<void> {
    for (const { streamId, version, state } of this.cluster.registered()) {
      if (state.condition !== 'ready' || !this.lease.held) continue;
      const nodeId = state.info.nodeId;
      if (this.settled.get(nodeId) === version || ![...state.lostInstances].some((id) => state.assignments.has(id)))
        continue;
      const waiting = await inCommandContext('failure-detector', (ctx) => this.repair.stopStale(nodeId, ctx));
      if (waiting === 0) this.settled.set(nodeId, this.cluster.get(streamId).version);
    }
  }
}
