import { Pool } from 'pg';
import { BusBatch, EventBus, Subscription, Topics } from '@mammoth/events';
import { LatestHeartbeat, saveHeartbeats } from '@mammoth/read-models';
import { ProjectorLog } from '../runner/projection';
import { latestHeartbeats } from './latest-heartbeats';

/**
 * HeartbeatConsumer keeps rm_node_heartbeats at each node's newest heartbeat. Heartbeats are not events: only the latest matters,
 * so it starts at the end of the topic, lets Kafka keep its offsets, and writes one upsert per batch.
 */
export class HeartbeatConsumer {
  private subscription: Subscription | null = null;
  private wanted = false;
  /** stored and invalid count heartbeats written and malformed messages skipped. */
  readonly stats = { stored: 0, invalid: 0 };

  constructor(private readonly deps: { pool: Pool; bus: EventBus; topics: Topics; log: ProjectorLog }) {}

  /** start subscribes, retrying until Kafka accepts the consumer or stop is called. */
  async start(): Promise<void> {
    this.wanted = true;
    for (let delay = 500; this.wanted && !this.subscription; delay = Math.min(delay * 2, 10_000)) {
      try {
        this.subscription = await this.deps.bus.subscribe({
          groupId: `${this.deps.topics.prefix}.projector.heartbeats`,
          topics: [this.deps.topics.heartbeats()],
          fromBeginning: false,
          commitToKafka: true,
          eachBatch: (batch) => this.onBatch(batch),
        });
      } catch (err) {
        this.deps.log.warn(`heartbeats: cannot subscribe (${(err as Error).message}); retrying in ${delay} ms`);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** stop ends the subscription after the batch in flight. */
  async stop(): Promise<void> {
    this.wanted = false;
    const sub = this.subscription;
    this.subscription = null;
    await sub?.stop().catch(() => undefined);
  }

  private async onBatch(batch: BusBatch): Promise<void> {
    const { latest, invalid } = latestHeartbeats(batch.messages);
    if (latest.size > 0) await this.store(latest);
    if (invalid)
      this.deps.log.warn(`heartbeats: skipped ${invalid} malformed message(s) on ${batch.topic}/${batch.partition}`);
    this.stats.invalid += invalid;
    this.stats.stored += latest.size;
  }

  private async store(latest: Map<string, LatestHeartbeat>): Promise<void> {
    try {
      await saveHeartbeats(this.deps.pool, latest);
    } catch (err) {
      // A plain Error, so kafkajs retries the batch until PostgreSQL is back.
      throw new Error(`heartbeats: cannot store batch: ${(err as Error).message}`);
    }
  }
}
