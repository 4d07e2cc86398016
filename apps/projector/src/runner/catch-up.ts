import { Client, Pool } from 'pg';
import { Projection } from './projection';

/**
 * streamsBehind counts the event-store streams of a projection's categories whose newest event the projection has not
 * applied yet, leaving out the streams held back behind a parked event (parkedStreams counts those).
 */
export async function streamsBehind(db: Pool | Client, projection: Projection): Promise<number> {
  const r = await db.query<{ behind: number }>(
    `SELECT count(*)::int AS behind
       FROM streams s
       LEFT JOIN projection_streams p ON p.projection = $1 AND p.stream_id = s.stream_id
      WHERE s.stream_id LIKE ANY($2::text[]) AND COALESCE(p.version, 0) < s.version
        AND NOT EXISTS (SELECT 1 FROM projection_dead_letters d
                         WHERE d.projection = $1 AND d.stream_id = s.stream_id AND d.status = 'parked')`,
    [projection.name, projection.categories.map((c) => `${c}-%`)],
  );
  return r.rows[0].behind;
}

/**
 * parkedStreams lists the event-store streams a projection holds back behind a parked event (so it cannot catch up with
 * them), each with the error that parked it; a parked message of no stream in the store holds nothing back.
 */
export async function parkedStreams(
  db: Pool | Client,
  projection: Projection,
): Promise<{ streamId: string; error: string }[]> {
  const r = await db.query<{ stream_id: string; error: string }>(
    `SELECT DISTINCT ON (d.stream_id) d.stream_id, d.error
       FROM projection_dead_letters d
       JOIN streams s ON s.stream_id = d.stream_id
       LEFT JOIN projection_streams p ON p.projection = d.projection AND p.stream_id = d.stream_id
      WHERE d.projection = $1 AND d.status = 'parked' AND COALESCE(p.version, 0) < s.version
      ORDER BY d.stream_id, d.id`,
    [projection.name],
  );
  return r.rows.map((x) => ({ streamId: x.stream_id, error: x.error }));
}

/**
 * readAllKafkaHolds says whether the projection has read everything Kafka holds for it: nothing of its categories waits
 * in the outbox to be published, and its stored offset has reached the end of every partition of its topics (`ends`,
 * read after the outbox). A stream still behind then has events Kafka no longer holds.
 */
export async function readAllKafkaHolds(
  db: Pool | Client,
  projection: Projection,
  ends: () => Promise<ReadonlyMap<string, bigint>>,
): Promise<boolean> {
  const queued = await db.query<{ queued: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM outbox o JOIN events e ON e.position = o.position
                     WHERE e.stream_id LIKE ANY($1::text[])) AS queued`,
    [projection.categories.map((c) => `${c}-%`)],
  );
  if (queued.rows[0].queued) return false;
  const end = await ends();
  const stored = await db.query<{ tp: string; next_offset: string }>(
    `SELECT topic || '/' || partition AS tp, next_offset FROM projection_offsets WHERE projection = $1`,
    [projection.name],
  );
  const at = new Map(stored.rows.map((x) => [x.tp, BigInt(x.next_offset)]));
  return [...end].every(([tp, offset]) => (at.get(tp) ?? 0n) >= offset);
}
