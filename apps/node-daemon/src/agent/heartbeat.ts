import { EventBus, NodeUsage, WireMessage } from '@mammoth/events';
import { Readiness } from './readiness';

/**
 * heartbeatMessage is one heartbeat as every node daemon sends it: `{nodeId, at, seq}`, its readiness and, when it
 * measures its instances, their usage (about 40 more bytes), keyed by node id.
 */
export function heartbeatMessage(
  nodeId: string,
  at: Date,
  seq: number,
  readiness?: Readiness,
  usage?: NodeUsage,
): WireMessage {
  const value = JSON.stringify({ nodeId, at: at.toISOString(), seq, ...readiness, ...(usage ? { usage } : {}) });
  return { key: nodeId, value, headers: {} };
}

/** HeartbeatOptions configures a Heartbeater. */
export interface HeartbeatOptions {
  readonly bus: EventBus;
  readonly topic: string;
  readonly nodeId: string;
  readonly intervalMs: number;
  readonly log: (message: string) => void;
  readonly now?: () => Date;
  /** onBeat is called after every publish, sent or failed (the daemon's liveness: a publish that hangs stops it). */
  readonly onBeat?: () => void;
  /** readiness, when given, is sent with every beat (see readinessOf). */
  readonly readiness?: (now: Date) => Readiness;
  /** usage, when given, is the node's observed use sent with every beat (undefined: not measured yet). */
  readonly usage?: () => NodeUsage | undefined;
}

/**
 * Heartbeater publishes `{nodeId, at, seq}` and the node's readiness keyed by node id every interval; a beat is skipped
 * while the previous one is still in flight. A change of readiness is logged.
 */
export class Heartbeater {
  private timer: NodeJS.Timeout | null = null;
  private seq = 0;
  private inFlight = false;
  private failing = false;
  private ready = true;

  constructor(private readonly opts: HeartbeatOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.beat(), this.opts.intervalMs);
    void this.beat();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async beat(): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    const { bus, topic, nodeId, log } = this.opts;
    try {
      const now = this.opts.now?.() ?? new Date();
      const readiness = this.opts.readiness?.(now);
      if (readiness && readiness.ready !== this.ready) {
        const { lastOkAt, error } = readiness.reconcile;
        log(
          readiness.ready
            ? 'container runtime answers again: reporting ready'
            : `container runtime has not answered since ${lastOkAt} (${error ?? 'no answer yet'}): reporting not ready`,
        );
        this.ready = readiness.ready;
      }
      await bus.publish(topic, [heartbeatMessage(nodeId, now, ++this.seq, readiness, this.opts.usage?.())]);
      if (this.failing) log(`heartbeats flow again (seq ${this.seq})`);
      this.failing = false;
    } catch (err) {
      if (!this.failing) log(`heartbeat failed, will keep trying: ${(err as Error).message}`);
      this.failing = true;
    } finally {
      this.inFlight = false;
      this.opts.onBeat?.();
    }
  }
}
