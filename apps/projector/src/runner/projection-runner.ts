import { Pool } from 'pg';
import { BusBatch, EventBus, Subscription, Topics } from '@mammoth/events';
import { applyBatch, BatchOutcome, ParkedNow } from './apply-batch';
import { storedOffset } from './offsets';
import { Projection, ProjectorLog, RebuildSource } from './projection';
import { retryParked } from './redrive';
import { resetProjection } from './reset';
import { replayFromStore } from './store-replay';

/** RunnerDeps are the adapters a projection runner drives. */
export interface RunnerDeps {
  pool: Pool;
  bus: EventBus;
  topics: Topics;
  log: ProjectorLog;
  /** watermark is the log's safe position (a LogWatermark), which a rebuild from the event store reads up to. */
  watermark?: { readonly position: bigint };
}

/** RunnerStats counts a runner's work since it was created, for tests and health. */
export interface RunnerStats {
  applied: number;
  duplicates: number;
  parked: number;
  waiting: number;
  alreadySeen: number;
  rebuilds: number;
  failedBatches: number;
  recreated: number;
}

/**
 * ProjectionRunner keeps one projection's Kafka consumer running. Offsets live in PostgreSQL (projection_offsets), so the
 * consumer commits nothing to Kafka and is positioned from PostgreSQL whenever it joins its group, one message before the
 * stored offset so that the anchor message proves the topic is the same one; a failed batch is retried by kafkajs until
 * PostgreSQL answers again. A message it cannot read is parked with its stream (see applyBatch) and logged; on start it
 * retries what is parked, since a new version of the reader may read it. start, stop, rebuild and re-seeks run one at a time.
 */
export class ProjectionRunner {
  readonly stats: RunnerStats = {
    applied: 0,
    duplicates: 0,
    parked: 0,
    waiting: 0,
    alreadySeen: 0,
    rebuilds: 0,
    failedBatches: 0,
    recreated: 0,
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

  /** start retries the parked streams, then subscribes, retrying until Kafka accepts the consumer or stop is called. */
  start(): Promise<void> {
    this.wanted = true;
    return this.serially(async () => {
      await this.retryParked();
      await this.subscribe();
    });
  }

  /** stop disconnects the consumer after the batch in flight. */
  stop(): Promise<void> {
    this.wanted = false;
    return this.serially(() => this.unsubscribe());
  }

  /**
   * rebuild stops the consumer, clears the projection's tables, offsets, stream versions and dead letters in one
   * transaction, and replays: from Kafka's offset zero, or first from the event store up to the log's safe position (for a
   * topic that lost history) and then from Kafka's offset zero, where it finds those events already applied.
   */
  rebuild(from: RebuildSource = 'kafka'): Promise<void> {
    return this.serially(async () => {
      this.deps.log.log(`projection ${this.name}: rebuilding from ${from === 'store' ? 'the event store' : 'Kafka'}`);
      await this.unsubscribe();
      try {
        await resetProjection(this.deps.pool, this.projection);
        if (from === 'store') await this.replayStore();
        this.stats.rebuilds++;
      } finally {
        if (this.wanted) await this.subscribe();
      }
    });
  }

  private async replayStore(): Promise<void> {
    const watermark = this.deps.watermark;
    if (!watermark)
      throw new Error(`projection ${this.name}: a rebuild from the event store needs the log's watermark`);
    const replayed = await replayFromStore(this.deps.pool, this.projection, watermark.position);
    this.stats.applied += replayed.applied;
    this.noteParked(replayed.parked);
    this.deps.log.log(`projection ${this.name}: applied ${replayed.applied} event(s) from the event store`);
  }

  private async retryParked(): Promise<void> {
    try {
      for (const r of await retryParked(this.deps.pool, this.projection)) {
        this.deps.log.log(
          r.stillParked === null
            ? `projection ${this.name}: stream ${r.streamId} flows again (${r.applied} parked event(s) applied)`
            : `projection ${this.name}: stream ${r.streamId} is still parked: ${r.stillParked}`,
        );
      }
    } catch (err) {
      this.deps.log.warn(`projection ${this.name}: cannot retry parked events now: ${(err as Error).message}`);
    }
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

  /**
   * startOffset is one message before the stored offset, so that the first batch shows whether the anchor is still there.
   * It never throws: it runs in a kafkajs event listener. Without PostgreSQL the consumer starts early and applyBatch skips
   * what is stored.
   */
  private async startOffset(topic: string, partition: number): Promise<string | null> {
    try {
      const { next } = await storedOffset(this.deps.pool, this.name, topic, partition);
      return (next > 0n ? next - 1n : 0n).toString();
    } catch (err) {
      this.deps.log.warn(
        `projection ${this.name}: cannot read offset of ${topic}/${partition}: ${(err as Error).message}`,
      );
      return null;
    }
  }

  private async onBatch(batch: BusBatch): Promise<void> {
    if (this.reseeking) return; // a restart is queued; it re-reads every position from PostgreSQL
    let outcome: BatchOutcome;
    try {
      outcome = await applyBatch(this.deps.pool, this.projection, batch);
    } catch (err) {
      this.stats.failedBatches++;
      const msg = `projection ${this.name}: batch ${batch.topic}/${batch.partition}@${batch.messages[0]?.offset} failed, kafkajs retries it: ${(err as Error).message}`;
      this.deps.log.error(msg);
      // A plain Error: kafkajs gives up for good on TypeError and friends, and the projection must keep retrying.
      throw new Error(msg);
    }
    this.stats.applied += outcome.applied;
    this.stats.duplicates += outcome.duplicates;
    this.stats.waiting += outcome.waiting;
    this.stats.alreadySeen += outcome.alreadySeen;
    this.noteParked(outcome.parked);
    const where = `${batch.topic}/${batch.partition}`;
    if (outcome.recreated) {
      this.stats.recreated++;
      this.deps.log.warn(
        `projection ${this.name}: ${where} is not the partition its stored offset was read in (${outcome.recreated}): ` +
          'the topic was deleted and created again; reading it from offset 0, where applied events are recognised by stream version',
      );
      this.reseek();
    } else if (outcome.gap) {
      this.deps.log.warn(`projection ${this.name}: ${where} is ahead of PostgreSQL; re-seeking`);
      this.reseek();
    }
  }

  private noteParked(parked: readonly ParkedNow[]): void {
    this.stats.parked += parked.length;
    for (const p of parked) {
      this.deps.log.error(
        `projection ${this.name}: parked ${p.source} of stream ${p.streamId}, which waits until it is retried or skipped ` +
          `(projector CLI: dead-letters retry|skip ${this.name} ${p.streamId}); other streams flow: ${p.error}`,
      );
    }
  }

  private reseek(): void {
    this.reseeking = true;
    void this.serially(async () => {
      await this.unsubscribe();
      await this.subscribe();
    }).catch((err: Error) => this.deps.log.error(`projection ${this.name}: re-seek failed: ${err.message}`));
  }
}
