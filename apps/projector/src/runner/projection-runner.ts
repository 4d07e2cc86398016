import { Pool } from 'pg';
import { BusBatch, EventBus, Subscription, Topics } from '@mammoth/events';
import { applyBatch, storedOffset } from './apply-batch';
import { Projection, ProjectorLog } from './projection';
import { resetProjection } from './reset';

/** RunnerDeps are the adapters a projection runner drives. */
export interface RunnerDeps {
  pool: Pool;
  bus: EventBus;
  topics: Topics;
  log: ProjectorLog;
}

/** RunnerStats counts a runner's work since it was created, for tests and health. */
export interface RunnerStats {
  applied: number;
  duplicates: number;
  invalid: number;
  alreadySeen: number;
  rebuilds: number;
  failedBatches: number;
}

/**
 * ProjectionRunner keeps one projection's Kafka consumer running. Offsets live in PostgreSQL (projection_offsets), so the consumer
 * commits nothing to Kafka and is positioned from PostgreSQL whenever it joins its group; a failed batch is retried by kafkajs until
 * PostgreSQL answers again. start, stop, rebuild and re-seeks run one at a time.
 */
export class ProjectionRunner {
  readonly stats: RunnerStats = {
    applied: 0,
    duplicates: 0,
    invalid: 0,
    alreadySeen: 0,
    rebuilds: 0,
    failedBatches: 0,
  };
  private subscription: Subscription | null = null;
  private wanted = false;
  private reseeking = false;
  private lifecycle: Promise<void> = Promise.resolve();

  constructor(
    readonly projection: Projection,
    private readonly deps: RunnerDeps,
  ) {}

  get name(): string {
    return this.projection.name;
  }

  /** groupId is the projection's Kafka consumer group. */
  get groupId(): string {
    return `${this.deps.topics.prefix}.projection.${this.projection.name}`;
  }

  /** start subscribes, retrying until Kafka accepts the consumer or stop is called. */
  start(): Promise<void> {
    this.wanted = true;
    return this.serially(() => this.subscribe());
  }

  /** stop disconnects the consumer after the batch in flight. */
  stop(): Promise<void> {
    this.wanted = false;
    return this.serially(() => this.unsubscribe());
  }

  /** rebuild stops the consumer, clears the projection's tables, offsets and stream versions in one transaction, and replays from offset zero. */
  rebuild(): Promise<void> {
    return this.serially(async () => {
      this.deps.log.log(`projection ${this.name}: rebuilding`);
      await this.unsubscribe();
      try {
        await resetProjection(this.deps.pool, this.projection);
        this.stats.rebuilds++;
      } finally {
        if (this.wanted) await this.subscribe();
      }
    });
  }

  private serially(op: () => Promise<void>): Promise<void> {
    const next = this.lifecycle.then(op);
    this.lifecycle = next.catch(() => undefined);
    return next;
  }

  private async subscribe(): Promise<void> {
    for (let delay = 500; this.wanted && !this.subscription; delay = Math.min(delay * 2, 10_000)) {
      this.reseeking = false;
      try {
        this.subscription = await this.deps.bus.subscribe({
          groupId: this.groupId,
          topics: this.projection.categories.map((c) => this.deps.topics.events(c)),
          // Where PostgreSQL holds an offset, startOffsets seeks there; where it holds none, the projection starts at zero.
          fromBeginning: true,
          commitToKafka: false,
          startOffsets: (topic, partition) => this.startOffset(topic, partition),
          eachBatch: (batch) => this.onBatch(batch),
        });
      } catch (err) {
        this.deps.log.warn(
          `projection ${this.name}: cannot subscribe (${(err as Error).message}); retrying in ${delay} ms`,
        );
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private async unsubscribe(): Promise<void> {
    const sub = this.subscription;
    this.subscription = null;
    await sub
      ?.stop()
      .catch((err: Error) => this.deps.log.warn(`projection ${this.name}: consumer stop failed: ${err.message}`));
  }

  /** startOffset never throws: it runs in a kafkajs event listener. Without PostgreSQL the consumer starts early and applyBatch skips what is stored. */
  private async startOffset(topic: string, partition: number): Promise<string | null> {
    try {
      return (await storedOffset(this.deps.pool, this.name, topic, partition)).toString();
    } catch (err) {
      this.deps.log.warn(
        `projection ${this.name}: cannot read offset of ${topic}/${partition}: ${(err as Error).message}`,
      );
      return null;
    }
  }

  private async onBatch(batch: BusBatch): Promise<void> {
    if (this.reseeking) return; // a restart is queued; it re-reads every position from PostgreSQL
    let outcome;
    try {
      outcome = await applyBatch(this.deps.pool, this.projection, batch, this.deps.log);
    } catch (err) {
      this.stats.failedBatches++;
      const msg = `projection ${this.name}: batch ${batch.topic}/${batch.partition}@${batch.messages[0]?.offset} failed, kafkajs retries it: ${(err as Error).message}`;
      this.deps.log.error(msg);
      // A plain Error: kafkajs gives up for good on TypeError and friends, and the projection must keep retrying.
      throw new Error(msg);
    }
    this.stats.applied += outcome.applied;
    this.stats.duplicates += outcome.duplicates;
    this.stats.invalid += outcome.invalid;
    this.stats.alreadySeen += outcome.alreadySeen;
    if (outcome.gap) {
      this.deps.log.warn(
        `projection ${this.name}: ${batch.topic}/${batch.partition} is ahead of PostgreSQL; re-seeking`,
      );
      this.reseeking = true;
      void this.serially(async () => {
        await this.unsubscribe();
        await this.subscribe();
      }).catch((err: Error) => this.deps.log.error(`projection ${this.name}: re-seek failed: ${err.message}`));
    }
  }
}
