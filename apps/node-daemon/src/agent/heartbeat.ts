import { EventBus, WireMessage } from '@mammoth/events';

/** heartbeatMessage is one heartbeat as every node daemon sends it: `{nodeId, at, seq}` keyed by node id. */
export function heartbeatMessage(nodeId: string, at: Date, seq: number): WireMessage {
  return { key: nodeId, value: JSON.stringify({ nodeId, at: at.toISOString(), seq }), headers: {} };
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
}

/** Heartbeater publishes `{nodeId, at, seq}` keyed by node id every interval; a beat is skipped while the previous one is still in flight. */
export class Heartbeater {
  private timer: NodeJS.Timeout | null = null;
  private seq = 0;
  private inFlight = false;
  private failing = false;

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
      await bus.publish(topic, [heartbeatMessage(nodeId, this.opts.now?.() ?? new Date(), ++this.seq)]);
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
