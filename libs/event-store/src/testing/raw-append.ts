import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';

/** RawEvent is an event as a test writes it straight into the log, past every check: any type, schema version and data. */
export interface RawEvent {
  readonly streamId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
}

/**
 * appendRaw writes an event the store would refuse (invalid data, a schema version newer than this build knows) at the
 * stream's next version, with its outbox row so the relay publishes it, as an older or newer writer might have; it
 * returns the event's position.
 */
export async function appendRaw(pool: Pool, e: RawEvent): Promise<string> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const v = await c.query<{ version: number }>(
      `INSERT INTO streams (stream_id, version) VALUES ($1, 1)
       ON CONFLICT (stream_id) DO UPDATE SET version = streams.version + 1 RETURNING version`,
      [e.streamId],
    );
    const metadata = {
      eventId: randomUUID(),
      correlationId: randomUUID(),
      causationId: null,
      actor: 'test',
      timestamp: new Date().toISOString(),
    };
    const r = await c.query<{ position: string }>(
      `INSERT INTO events (stream_id, stream_version, type, schema_version, data, metadata, event_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING position::text AS position`,
      [e.streamId, v.rows[0].version, e.type, e.schemaVersion, JSON.stringify(e.data), metadata, metadata.eventId],
    );
    await c.query('INSERT INTO outbox (position) VALUES ($1)', [r.rows[0].position]);
    await c.query('COMMIT');
    return r.rows[0].position;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}
