import { Pool } from 'pg';
import { AppendUnit, byCodeUnit } from './append-unit';
import { WrongExpectedVersionError } from './errors';
import { UnitOutcome } from './group-commit';
import { OUTBOX_CHANNEL } from './log-watermark';

/**
 * APPEND_BATCH commits stream-disjoint units in one statement, hence one transaction and one fsync. It locks the streams
 * rows in the order given (stream-id order, so two batches cannot deadlock) and reads their versions, refuses every unit
 * with a write whose expected version is not the stream's (null: any), and for the others moves the streams on, inserts
 * the events (in the order given, so a stream's positions follow its versions), their outbox rows and the relay's wake-up.
 * It returns the position of each event written, by stream, and a row per conflicting write of the refused units.
 * A stream created concurrently by another transaction after this one looked fails the whole statement (unique violation).
 */
const APPEND_BATCH = `
  WITH w AS (
    SELECT w.*, s.version AS current
      FROM jsonb_to_recordset($1::jsonb) AS w(unit int, stream_id text, expected int, n int)
      LEFT JOIN LATERAL (SELECT version FROM streams WHERE stream_id = w.stream_id FOR UPDATE) s ON true
  ), checked AS (
    SELECT w.*, bool_and(expected IS NULL OR expected = COALESCE(current, 0)) OVER (PARTITION BY unit) AS ok FROM w
  ), bumped AS (
    UPDATE streams s SET version = c.current + c.n FROM checked c
     WHERE c.ok AND c.current IS NOT NULL AND s.stream_id = c.stream_id
  ), created AS (
    INSERT INTO streams (stream_id, version) SELECT stream_id, n FROM checked WHERE ok AND current IS NULL ORDER BY stream_id
  ), ins AS (
    INSERT INTO events (stream_id, stream_version, type, schema_version, data, metadata, event_id)
    SELECT e.stream_id, COALESCE(c.current, 0) + e.i, e.type, e.schema_version, e.data, e.metadata, e.event_id
      FROM ROWS FROM (jsonb_to_recordset($2::jsonb)
             AS (stream_id text, i int, type text, schema_version int, data jsonb, metadata jsonb, event_id uuid))
           WITH ORDINALITY AS e(stream_id, i, type, schema_version, data, metadata, event_id, k)
      JOIN checked c ON c.stream_id = e.stream_id AND c.ok
     ORDER BY e.k
    RETURNING position, stream_id
  ), queued AS (
    INSERT INTO outbox (position) SELECT position FROM ins
  )
  SELECT ins.stream_id, ins.position::text AS position, NULL::int AS refused
    FROM ins CROSS JOIN (SELECT pg_notify('${OUTBOX_CHANNEL}', '')) AS wake
  UNION ALL
  SELECT stream_id, NULL, unit FROM checked WHERE expected <> COALESCE(current, 0)`;

/** RETRY_ALONE are the SQLSTATEs of a statement that certainly rolled back, after which each unit is tried on its own. */
const RETRY_ALONE = /^(22|23|40P01|40001)/;
/** RACED are the SQLSTATEs of a lost race (a stream created concurrently, a deadlock): one more try on fresh state. */
const RACED = new Set(['23505', '40P01', '40001']);

/**
 * appendBatch commits stream-disjoint units together and returns each one's outcome: its positions in ascending order, or
 * the WrongExpectedVersionError of its conflict. When the statement fails with an error that certainly rolled it back (bad
 * data in one unit, a lost race), each unit is tried again alone, so only the one at fault fails; any other error (a lost
 * connection: the outcome is unknown) is thrown for every caller of the batch.
 */
export async function appendBatch(pool: Pool, units: readonly AppendUnit[], raced = false): Promise<UnitOutcome[]> {
  try {
    return await runBatch(pool, units);
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (!RETRY_ALONE.test(code)) throw err;
    if (units.length > 1) {
      const outcomes: UnitOutcome[] = [];
      for (const unit of units) outcomes.push(await appendBatch(pool, [unit]).then((o) => o[0], asError));
      return outcomes;
    }
    if (!RACED.has(code)) return [err as Error];
    if (!raced) return appendBatch(pool, units, true);
    const w = units[0].writes[0];
    return [new WrongExpectedVersionError(w.streamId, w.expected ?? 'any')];
  }
}

async function runBatch(pool: Pool, units: readonly AppendUnit[]): Promise<UnitOutcome[]> {
  const writes = units
    .flatMap((u, unit) => u.writes.map((w) => ({ unit, stream_id: w.streamId, expected: w.expected, n: w.n })))
    .sort((a, b) => byCodeUnit(a.stream_id, b.stream_id));
  const rows = `[${units.map((u) => u.rows).join(',')}]`;
  const r = await pool.query<{ stream_id: string; position: string | null; refused: number | null }>({
    name: 'mammoth-append-batch',
    text: APPEND_BATCH,
    values: [JSON.stringify(writes), rows],
  });
  const unitOf = new Map(writes.map((w) => [w.stream_id, w.unit]));
  const outcomes: UnitOutcome[] = units.map(() => []);
  for (const row of r.rows) {
    if (row.refused === null) (outcomes[unitOf.get(row.stream_id)!] as string[]).push(row.position!);
    else if (!(outcomes[row.refused] instanceof Error)) outcomes[row.refused] = conflictOf(units[row.refused], r.rows);
  }
  for (const o of outcomes) if (!(o instanceof Error)) o.sort(byPosition);
  return outcomes;
}

/** conflictOf names a refused unit's first conflicting stream (in stream-id order) and the version it expected there. */
function conflictOf(
  unit: AppendUnit,
  rows: { stream_id: string; refused: number | null }[],
): WrongExpectedVersionError {
  const conflicting = new Set(rows.filter((r) => r.refused !== null).map((r) => r.stream_id));
  const w = unit.writes.find((x) => conflicting.has(x.streamId))!;
  return new WrongExpectedVersionError(w.streamId, w.expected ?? 'any');
}

function byPosition(a: string, b: string): number {
  return a.length - b.length || byCodeUnit(a, b);
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
