/**
 * legacy-append is the event store's append path before group commit, kept only as the benchmark's baseline: one
 * transaction per command (BEGIN, lock the existing streams' rows, bump them or create new ones, one INSERT of the events,
 * their outbox rows and the relay's wake-up, COMMIT). It handles numeric expected versions, all the benchmark uses.
 */
import { randomUUID } from 'node:crypto';
import { AppendContext, StreamWrite, WrongExpectedVersionError } from '@mammoth/event-store';
import { Pool } from 'pg';

/** legacyAppend commits one command in its own transaction the way the store did before group commit. */
export async function legacyAppend(pool: Pool, writes: StreamWrite[], ctx: AppendContext): Promise<string[]> {
  const sorted = [...writes].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const existing = sorted.filter((w) => (w.expectedVersion as number) > 0);
    const created = sorted.filter((w) => w.expectedVersion === 0);
    if (existing.length > 0) {
      const ids = existing.map((w) => w.streamId);
      await client.query(
        'SELECT 1 FROM unnest($1::text[]) AS s(id) CROSS JOIN LATERAL (SELECT 1 FROM streams WHERE stream_id = s.id FOR UPDATE) l',
        [ids],
      );
      const r = await client.query(
        `UPDATE streams s SET version = s.version + u.n
           FROM unnest($1::text[], $2::int[], $3::int[]) AS u(stream_id, expected, n)
          WHERE s.stream_id = u.stream_id AND s.version = u.expected`,
        [ids, existing.map((w) => w.expectedVersion), existing.map((w) => w.events.length)],
      );
      if (r.rowCount !== existing.length) throw new WrongExpectedVersionError(ids[0], existing[0].expectedVersion);
    }
    if (created.length > 0) {
      const r = await client.query(
        `INSERT INTO streams (stream_id, version) SELECT * FROM unnest($1::text[], $2::int[]) ON CONFLICT (stream_id) DO NOTHING`,
        [created.map((w) => w.streamId), created.map((w) => w.events.length)],
      );
      if (r.rowCount !== created.length) throw new WrongExpectedVersionError(created[0].streamId, 0);
    }
    const rows = sorted.flatMap((w) =>
      w.events.map((e, i) => {
        const eventId = randomUUID();
        return {
          stream_id: w.streamId,
          stream_version: (w.expectedVersion as number) + i + 1,
          type: e.type,
          schema_version: e.version,
          data: e.data,
          metadata: {
            eventId,
            correlationId: ctx.correlationId,
            causationId: null,
            actor: ctx.actor,
            timestamp: ctx.timestamp,
          },
          event_id: eventId,
        };
      }),
    );
    const inserted = await client.query<{ position: string }>(
      `WITH ins AS (
         INSERT INTO events (stream_id, stream_version, type, schema_version, data, metadata, event_id)
         SELECT stream_id, stream_version, type, schema_version, data, metadata, event_id
           FROM jsonb_to_recordset($1::jsonb)
             AS x(stream_id text, stream_version int, type text, schema_version int, data jsonb, metadata jsonb, event_id uuid)
         RETURNING position),
       queued AS (INSERT INTO outbox (position) SELECT position FROM ins RETURNING position)
       SELECT q.position FROM queued q CROSS JOIN (SELECT pg_notify('mammoth_outbox', '')) AS wake`,
      [JSON.stringify(rows)],
    );
    await client.query('COMMIT');
    return inserted.rows.map((r) => r.position);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
