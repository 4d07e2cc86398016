import { Pool, PoolClient } from 'pg';
import { Letter } from './stream-gate';

/** DeadLetterStatus: `parked` could not be applied and blocks its stream, `waiting` queues behind it, `skipped` was given up. */
export type DeadLetterStatus = 'parked' | 'waiting' | 'skipped';

/** DeadLetter is one row of projection_dead_letters. */
export interface DeadLetter {
  readonly id: string;
  readonly projection: string;
  readonly streamId: string;
  readonly streamVersion: number | null;
  readonly position: string | null;
  readonly source: string;
  readonly payload: string;
  readonly error: string;
  readonly status: DeadLetterStatus;
  readonly parkedAt: Date;
}

interface DeadLetterRow {
  id: string;
  projection: string;
  stream_id: string;
  stream_version: number | null;
  position: string | null;
  source: string;
  payload: string;
  error: string;
  status: DeadLetterStatus;
  parked_at: Date;
}

const toDeadLetter = (r: DeadLetterRow): DeadLetter => ({
  id: String(r.id),
  projection: r.projection,
  streamId: r.stream_id,
  streamVersion: r.stream_version,
  position: r.position === null ? null : String(r.position),
  source: r.source,
  payload: r.payload,
  error: r.error,
  status: r.status,
  parkedAt: r.parked_at,
});

/** park stores messages a projection cannot apply now, in their order; a message already stored (redelivered) is kept once. */
export async function park(tx: PoolClient, projection: string, letters: readonly Letter[]): Promise<void> {
  if (letters.length === 0) return;
  const col = <T>(f: (l: Letter) => T): T[] => letters.map(f);
  await tx.query(
    `INSERT INTO projection_dead_letters (projection, stream_id, stream_version, position, source, payload, error, status)
     SELECT $1, l.stream_id, l.stream_version, l.position, l.source, l.payload, l.error, l.status
       FROM unnest($2::text[], $3::int[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[])
            WITH ORDINALITY AS l(stream_id, stream_version, position, source, payload, error, status, n)
      ORDER BY l.n
     ON CONFLICT (projection, stream_id, stream_version) DO NOTHING`,
    [
      projection,
      col((l) => l.decoded.streamId),
      col((l) => l.decoded.streamVersion),
      col((l) => l.decoded.position),
      col((l) => l.decoded.source),
      col((l) => l.decoded.payload),
      col((l) => l.error),
      col((l) => l.status),
    ],
  );
}

/** blockedStreams says which of the streams have a parked or waiting message in the projection. */
export async function blockedStreams(
  tx: PoolClient,
  projection: string,
  streamIds: readonly string[],
): Promise<Set<string>> {
  if (streamIds.length === 0) return new Set();
  const r = await tx.query<{ stream_id: string }>(
    `SELECT DISTINCT stream_id FROM projection_dead_letters
      WHERE projection = $1 AND stream_id = ANY($2::text[]) AND status <> 'skipped'`,
    [projection, streamIds],
  );
  return new Set(r.rows.map((x) => x.stream_id));
}

/** pendingLetters lists one stream's parked and waiting messages in arrival order, locked for the caller's transaction. */
export async function pendingLetters(tx: PoolClient, projection: string, streamId: string): Promise<DeadLetter[]> {
  const r = await tx.query<DeadLetterRow>(
    `SELECT * FROM projection_dead_letters WHERE projection = $1 AND stream_id = $2 AND status <> 'skipped'
      ORDER BY id FOR UPDATE`,
    [projection, streamId],
  );
  return r.rows.map(toDeadLetter);
}

/** listDeadLetters lists a projection's dead letters (every projection's when none is named), oldest first. */
export async function listDeadLetters(db: Pool | PoolClient, projection?: string): Promise<DeadLetter[]> {
  const r = await db.query<DeadLetterRow>(
    `SELECT * FROM projection_dead_letters WHERE $1::text IS NULL OR projection = $1 ORDER BY projection, id`,
    [projection ?? null],
  );
  return r.rows.map(toDeadLetter);
}

/** setLetter changes one dead letter's status and error. */
export async function setLetter(tx: PoolClient, id: string, status: DeadLetterStatus, error?: string): Promise<void> {
  await tx.query('UPDATE projection_dead_letters SET status = $2, error = COALESCE($3, error) WHERE id = $1', [
    id,
    status,
    error ?? null,
  ]);
}

/** dropLetters deletes dead letters that have been applied or found to be duplicates. */
export async function dropLetters(tx: PoolClient, ids: readonly string[]): Promise<void> {
  if (ids.length) await tx.query('DELETE FROM projection_dead_letters WHERE id = ANY($1::bigint[])', [ids]);
}
