import { PoolClient } from 'pg';
import { toRecorded } from '@mammoth/event-store';
import { EventMetadata, MammothEvent, RecordedEvent, wireValue } from '@mammoth/events';
import { park } from './dead-letters';

/** EventRow is an events row as the log runner reads it. */
export interface EventRow {
  position: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
}

/** EVENT_COLUMNS are the events columns an EventRow holds. */
export const EVENT_COLUMNS = 'position, stream_id, stream_version, type, schema_version, data, metadata';

/** Poison is an event a log projection cannot read, with why, in words an operator can act on. */
export interface Poison {
  readonly row: EventRow;
  readonly error: string;
}

/** readRow reads an events row as this build's reader does, or says why it cannot. */
export function readRow(row: EventRow): { recorded: RecordedEvent<MammothEvent> } | { poison: Poison } {
  try {
    return { recorded: toRecorded(row) };
  } catch (err) {
    const where = `event ${row.type} v${row.schema_version} at position ${row.position} (stream ${row.stream_id})`;
    return { poison: { row, error: `${where}: ${(err as Error).message}` } };
  }
}

/** parkPoison keeps the event a log projection stopped at in projection_dead_letters, in the wire format a retry reads. */
export async function parkPoison(tx: PoolClient, projection: string, { row, error }: Poison): Promise<void> {
  const position = String(row.position);
  const payload = wireValue({
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    position,
    type: row.type,
    version: row.schema_version,
    data: row.data,
    metadata: row.metadata,
  });
  const decoded = { streamId: row.stream_id, streamVersion: row.stream_version, position, source: `log@${position}` };
  await park(tx, projection, [{ decoded: { ...decoded, payload }, status: 'parked', error }]);
}

/**
 * parkedError is the error of the event a log projection is stopped at, or null when it may go on: an event parked
 * earlier that this process can read now (a newer reader) is unparked.
 */
export async function parkedError(tx: PoolClient, projection: string): Promise<string | null> {
  const r = await tx.query<{ id: string; position: string; error: string }>(
    `SELECT id, position::text AS position, error FROM projection_dead_letters
      WHERE projection = $1 AND status = 'parked' ORDER BY id LIMIT 1`,
    [projection],
  );
  if (r.rows.length === 0) return null;
  const parked = r.rows[0];
  const again = await tx.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE position = $1`, [parked.position]);
  if (again.rows.length && 'poison' in readRow(again.rows[0])) return parked.error;
  await tx.query('DELETE FROM projection_dead_letters WHERE id = $1', [parked.id]);
  return null;
}
