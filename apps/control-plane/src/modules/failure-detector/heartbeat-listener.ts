import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { BusBatch, EventBus, HeartbeatMessage, parseHeartbeat, Subscription, Topics } from '@mammoth/events';
import { heartbeatsReceived } from './detector.metrics';
import { LastSeen } from './last-seen';

/**
 * HeartbeatListener feeds LastSeen from the heartbeats topic. Every control-plane process listens, active or standby, in a
 * consumer group of its own (so each sees every node) from the end of the topic: only heartbeats from now on matter.
 */
export class HeartbeatListener {
  private subscription: Subscription | null = null;
  private wanted = false;
  /** received and invalid count heartbeats taken and malformed messages skipped. */
  readonly stats = { received: 0, invalid: 0 };

  constructor(
    private readonly deps: {
      bus: EventBus;
      topics: Topics;
      seen: LastSeen;
      log: (m: string) => void;
      now?: () => number;
    },
  ) {}

  /** start subscribes in the background, retrying until Kafka accepts the consumer or stop is called. */
  start(): void {
    this.wanted = true;
    void this.subscribe();
  }

  async stop(): Promise<void> {
    this.wanted = false;
    const sub = this.subscription;
    this.subscription = null;
    await sub?.stop().catch(() => undefined);
  }

  private async subscribe(): Promise<void> {
    const { bus, topics, log } = this.deps;
    const groupId = `${topics.prefix}.failure-detector.${hostname()}.${process.pid}.${randomBytes(3).toString('hex')}`;
    for (let delay = 500; this.wanted && !this.subscription; delay = Math.min(delay * 2, 5000)) {
      try {
        const sub = await bus.subscribe({
          groupId,
          topics: [topics.heartbeats()],
          fromBeginning: false,
          commitToKafka: false,
          eachBatch: (b) => this.onBatch(b),
        });
        if (!this.wanted) return void (await sub.stop().catch(() => undefined));
        this.subscription = sub;
      } catch (err) {
        log(`cannot follow heartbeats yet (${(err as Error).message}); retrying in ${delay} ms`);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private async onBatch(batch: BusBatch): Promise<void> {
    const now = (this.deps.now ?? Date.now)();
    const invalidBefore = this.stats.invalid;
    for (const m of batch.messages) {
      const hb = parseHeartbeat(m.value);
      if (!hb) {
        this.stats.invalid++;
        continue;
      }
      this.deps.seen.record(hb.nodeId, now, hb.ready === false ? notReadyReason(hb) : null);
      this.stats.received++;
    }
    heartbeatsReceived.inc({ result: 'ok' }, batch.messages.length - (this.stats.invalid - invalidBefore));
    if (this.stats.invalid > invalidBefore)
      heartbeatsReceived.inc({ result: 'invalid' }, this.stats.invalid - invalidBefore);
  }
}

/** notReadyReason says, from a not-ready heartbeat, why the node is not ready. */
export function notReadyReason(hb: HeartbeatMessage): string {
  const since = hb.reconcile?.lastOkAt ? ` since ${hb.reconcile.lastOkAt}` : '';
  const error = hb.reconcile?.error ? `: ${hb.reconcile.error}` : '';
  return `its container runtime has not answered${since}${error}`;
}
