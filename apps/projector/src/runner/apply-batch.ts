import { Pool, PoolClient } from 'pg';
import { BusBatch, fromWire, MammothEvent, RecordedEvent } from '@mammoth/events';
import { Projection, ProjectorLog } from './projection';
import { lockProjection, withTransaction } from './tx';

/** BatchOutcome counts what one batch did; `gap` means the batch started past the stored offset and nothing was applied. */
export interface BatchOutcome {
  applied: number;
  duplicates: number;
  invalid: number;
  alreadySeen: number;
  gap: boolean;
}

/**
 * applyBatch folds one Kafka batch into the projection in ONE transaction: it skips offsets already stored, drops events whose
 * stream version was already applied, applies the rest and stores the next offset, so redelivery and relay duplicates change nothing.
 * A batch that begins after the stored offset (the consumer's position is ahead of PostgreSQL, e.g. after another process rebuilt)
 * is refused with `gap` so the caller can re-seek instead of skipping events.
 */
export function applyBatch(
  pool: Pool,
  projection: Projection,
  batch: BusBatch,
  log: ProjectorLog,
): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { applied: 0, duplicates: 0, invalid: 0, alreadySeen: 0, gap: false };
  if (batch.messages.length === 0) return Promise.resolve(outcome);
  return withTransaction(pool, async (tx) => {
    await lockProjection(tx, projection.name);
    const next = await storedOffset(tx, projection.name, batch.topic, batch.partition);
    const fresh = batch.messages.filter((m) => BigInt(m.offset) >= next);
    outcome.alreadySeen = batch.messages.length - fresh.length;
    if (fresh.length === 0) return outcome;
    if (BigInt(fresh[0].offset) > next) return { ...outcome, gap: true };

    const events: RecordedEvent<MammothEvent>[] = [];
    for (const m of fresh) {
      try {
        events.push(fromWire(m.value) as RecordedEvent<MammothEvent>);
      } catch (err) {
        outcome.invalid++;
        log.warn(
          `projection ${projection.name}: skipping invalid message ${batch.topic}/${batch.partition}@${m.offset}: ${(err as Error).message}`,
        );
      }
    }
    const versions = await streamVersions(tx, projection.name, [...new Set(events.map((e) => e.streamId))]);
    const bumped = new Map<string, number>();
    const handled: RecordedEvent<MammothEvent>[] = [];
    for (const e of events) {
      if (e.streamVersion <= (versions.get(e.streamId) ?? 0)) {
        outcome.duplicates++;
        continue;
      }
      if (projection.handles(e.event.type)) handled.push(e);
      versions.set(e.streamId, e.streamVersion);
      bumped.set(e.streamId, e.streamVersion);
      outcome.applied++;
    }
    if (projection.applyBatch) await projection.applyBatch(tx, handled);
    else for (const e of handled) await projection.apply(tx, e);
    await saveStreamVersions(tx, projection.name, bumped);
    await saveOffset(tx, projection.name, batch.topic, batch.partition, BigInt(fresh[fresh.length - 1].offset) + 1n);
    return outcome;
  });
}

/** storedOffset is the next offset the projection expects on a partition (0 when it has seen nothing). */
export async function storedOffset(
  db: Pool | PoolClient,
  projection: string,
  topic: string,
  partition: number,
): Promise<bigint> {
  const r = await db.query<{ next_offset: string }>(
    'SELECT next_offset FROM projection_offsets WHERE projection = $1 AND topic = $2 AND partition = $3',
    [projection, topic, partition],
  );
  return r.rows.length ? BigInt(r.rows[0].next_offset) : 0n;
}

async function streamVersions(tx: PoolClient, projection: string, streamIds: string[]): Promise<Map<string, number>> {
  if (streamIds.length === 0) return new Map();
  const r = await tx.query<{ stream_id: string; version: number }>(
    // One index lookup per stream: a plain `= ANY` of a batch's ids makes the planner scan every stream the projection has seen.
    `SELECT ps.stream_id, ps.version FROM unnest($2::text[]) AS s(id)
       CROSS JOIN LATERAL (SELECT stream_id, version FROM projection_streams WHERE projection = $1 AND stream_id = s.id LIMIT 1) ps`,
    [projection, streamIds],
  );
  return new Map(r.rows.map((x) => [x.stream_id, x.version]));
}

async function saveStreamVersions(tx: PoolClient, projection: string, versions: Map<string, number>): Promise<void> {
  if (versions.size === 0) return;
  await tx.query(
    `INSERT INTO projection_streams (projection, stream_id, version)
     SELECT $1, * FROM unnest($2::text[], $3::int[])
     ON CONFLICT (projection, stream_id) DO UPDATE SET version = GREATEST(projection_streams.version, EXCLUDED.version)`,
    [projection, [...versions.keys()], [...versions.values()]],
  );
}

async function saveOffset(
  tx: PoolClient,
  projection: string,
  topic: string,
  partition: number,
  next: bigint,
): Promise<void> {
  await tx.query(
    `INSERT INTO projection_offsets (projection, topic, partition, next_offset) VALUES ($1, $2, $3, $4)
     ON CONFLICT (projection, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset`,
    [projection, topic, partition, next.toString()],
  );
}
