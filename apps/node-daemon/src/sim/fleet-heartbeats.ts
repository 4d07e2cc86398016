import { EventBus, NodeUsage } from '@mammoth/events';
import { heartbeatMessage } from '../agent/heartbeat';

/** FleetHeartbeatOptions configure the heartbeats of a fleet of hollow nodes. */
export interface FleetHeartbeatOptions {
  readonly bus: EventBus;
  readonly topic: string;
  readonly nodeIds: readonly string[];
  readonly intervalMs: number;
  readonly log: (message: string) => void;
  readonly now?: () => Date;
  /** perPublish is about how many heartbeats one produce call carries; the fleet is cut into at most 10 slices of it. */
  readonly perPublish?: number;
  /** onBeat is called after every publish, sent or failed (the fleet's liveness: a publish that hangs stops it). */
  readonly onBeat?: () => void;
  /** usage, when given, is what each node's heartbeat says it uses (hollow nodes run nothing: a same-size stand-in). */
  readonly usage?: NodeUsage;
}

const MAX_SLICES = 10;

/**
 * FleetHeartbeater beats for every hollow node every interval, in the real daemon's message format, but with one produce
 * call per slice of the fleet: the fleet is cut into a few slices whose beats are spread evenly over the interval.
 * A slice whose previous publish is still in flight skips its turn.
 */
export class FleetHeartbeater {
  private timer: NodeJS.Timeout | null = null;
  private readonly seqs: Uint32Array;
  private readonly slices: number;
  private readonly inFlight: boolean[];
  private turn = 0;
  private failing = false;
  /** sent counts heartbeats Kafka acknowledged. */
  sent = 0;

  constructor(private readonly opts: FleetHeartbeatOptions) {
    this.seqs = new Uint32Array(opts.nodeIds.length);
    this.slices = Math.max(1, Math.min(MAX_SLICES, Math.ceil(opts.nodeIds.length / (opts.perPublish ?? 1000))));
    this.inFlight = new Array<boolean>(this.slices).fill(false);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(
      () => void this.beat(this.turn++ % this.slices),
      Math.max(1, Math.floor(this.opts.intervalMs / this.slices)),
    );
    void this.beat(this.turn++ % this.slices);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async beat(slice: number): Promise<void> {
    if (this.inFlight[slice]) return;
    this.inFlight[slice] = true;
    const { bus, topic, nodeIds, log } = this.opts;
    const at = this.opts.now?.() ?? new Date();
    const messages = [];
    for (let i = slice; i < nodeIds.length; i += this.slices)
      messages.push(heartbeatMessage(nodeIds[i], at, ++this.seqs[i], undefined, this.opts.usage));
    try {
      await bus.publish(topic, messages);
      this.sent += messages.length;
      if (this.failing) log(`heartbeats flow again`);
      this.failing = false;
    } catch (err) {
      if (!this.failing) log(`heartbeats failed, will keep trying: ${(err as Error).message}`);
      this.failing = true;
    } finally {
      this.inFlight[slice] = false;
      this.opts.onBeat?.();
    }
  }
}
