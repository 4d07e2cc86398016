import { randomUUID } from 'node:crypto';
import { Pool, PoolClient } from 'pg';
import { DomainEvent, EventMetadata, MammothEvent, parseEvent, RecordedEvent } from '@mammoth/events';
import { ExpectedVersion, WrongExpectedVersionError } from './errors';

/** StreamWrite is one stream's share of an atomic append. */
export interface StreamWrite {
  streamId: string;
  expectedVersion: ExpectedVersion;
  events: DomainEvent[];
  /** actor, when given, overrides the context's actor for this stream's events (one batch of reports from many nodes). */
  actor?: string;
}

/** AppendCommand is one command's share of a group commit: its writes and the metadata its events carry. */
export interface AppendCommand {
  readonly writes: StreamWrite[];
  readonly ctx: AppendContext;
}

/** AppendContext is the metadata every event of one command shares. */
export interface AppendContext {
  correlationId: string;
  causationId?: string | null;
  actor: string;
  timestamp: string;
}

/** LoadedStream is a stream's events and its current version (0 when it does not exist). */
export interface LoadedStream {
  streamId: string;
  version: number;
  events: RecordedEvent<MammothEvent>[];
}

/** ReadAllFilter narrows a read of the global log. */
export interface ReadAllFilter {
  types?: string[];
  streamPrefix?: string;
  streamIds?: string[];
  /** app keeps the app's own stream and every event whose data names the app (its instances). */
  app?: string;
  /** node keeps the node's own stream and every event whose data names the node. */
  node?: string;
  /** actor keeps the events whose metadata names this actor (a token's subject or a system loop). */
  actor?: string;
}

/** LatestFilter narrows latestPerStream: events recorded at or after `since`, and not followed in their stream by `notFollowedBy`. */
export interface LatestFilter {
  since?: Date;
  notFollowedBy?: readonly string[];
}

/** EventHead is where one event sits in the log: its global position, stream and version. */
export interface EventHead {
  readonly position: string;
  readonly streamId: string;
  readonly streamVersion: number;
}

interface EventRow {
  position: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
}

/** PgEventStore is the append-only event log in PostgreSQL, with per-stream optimistic concurrency and an outbox for the relay. */
export class PgEventStore {
  constructor(private readonly pool: Pool) {}

  /** append writes to several streams in one transaction, each checked against its expected version, and returns the positions written. */
  append(writes: StreamWrite[], ctx: AppendContext): Promise<{ positions: string[] }> {
    return this.appendAll([{ writes, ctx }]);
  }

  /**
   * appendAll commits several commands in one transaction (a group commit), each with its own metadata. Commands may
   * write to the same stream when their expected versions follow each other (the second expects the first's end);
   * any conflict fails them all.
   */
  async appendAll(commands: readonly AppendCommand[]): Promise<{ positions: string[] }> {
    const merged = new Map<string, { streamId: string; expectedVersion: ExpectedVersion; events: DomainEvent[] }>();
    const parts: { write: StreamWrite; ctx: AppendContext; offset: number }[] = [];
    for (const { writes, ctx } of commands) {
      for (const write of writes) {
        if (write.events.length === 0) continue;
        const m = merged.get(write.streamId);
        if (!m) {
          merged.set(write.streamId, {
            streamId: write.streamId,
            expectedVersion: write.expectedVersion,
            events: [...write.events],
          });
          parts.push({ write, ctx, offset: 0 });
          continue;
        }
        if (typeof m.expectedVersion !== 'number' || write.expectedVersion !== m.expectedVersion + m.events.length) {
          throw new Error(
            `appendAll: the writes to ${write.streamId} do not follow each other (${String(write.expectedVersion)} after ${String(m.expectedVersion)}+${m.events.length})`,
          );
        }
        parts.push({ write, ctx, offset: m.events.length });
        m.events.push(...write.events);
      }
    }
    if (merged.size === 0) return { positions: [] };
    // Lock streams in a fixed order so two multi-stream appends cannot deadlock.
    const sorted = [...merged.values()].sort((a, b) =>
      a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0,
    );
    const client = await this.pool.connect();
    // A connection that dies between two queries emits 'error' on the checked-out client; the failing query reports it.
    const ignore = (): void => undefined;
    client.on('error', ignore);
    let failed: Error | undefined;
    // Build the rows before taking any lock: only the stream versions wait for the claim.
    const prepared = parts.map(({ write, ctx, offset }) => ({
      streamId: write.streamId,
      offset,
      events: write.events.map((e) => {
        const metadata: EventMetadata = {
          eventId: randomUUID(),
          correlationId: ctx.correlationId,
          causationId: ctx.causationId ?? null,
          actor: write.actor ?? ctx.actor,
          timestamp: ctx.timestamp,
        };
        return { type: e.type, schema_version: e.version, data: e.data, metadata, event_id: metadata.eventId };
      }),
    }));
    prepared.sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : a.offset - b.offset));
    try {
      await client.query('BEGIN');
      const starts = await this.claimAll(client, sorted);
      const rows: object[] = [];
      for (const part of prepared) {
        const start = starts.get(part.streamId)! + part.offset;
        part.events.forEach((e, i) => rows.push({ stream_id: part.streamId, stream_version: start + i + 1, ...e }));
      }
      // One JSON document carries every row (no per-value array escaping), and one round trip writes the events, their
      // outbox rows and the relay's wake-up (repeated notifications in a transaction are delivered once).
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
      const positions = inserted.rows
        .map((r) => r.position)
        .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
      await client.query('COMMIT');
      return { positions };
    } catch (err) {
      failed = err as Error;
      await client.query('ROLLBACK').catch(() => undefined);
      // A unique violation is a racing writer; a deadlock cannot happen with ordered locks, but if it did, a retry on fresh state is the cure too.
      const code = (err as { code?: string }).code;
      if (code === '23505' || code === '40P01') {
        throw new WrongExpectedVersionError(sorted[0].streamId, sorted[0].expectedVersion);
      }
      throw err;
    } finally {
      client.off('error', ignore);
      // A client whose transaction failed for a reason other than a version conflict may be broken: discard it.
      client.release(
        failed && (failed as { code?: string }).code !== '23505' && !(failed instanceof WrongExpectedVersionError)
          ? failed
          : undefined,
      );
    }
  }

  /**
   * claimAll moves every stream to its new version and returns each stream's version before the append, in a fixed number
   * of statements whatever the number of streams: existing streams are locked in stream-id order (so two appends cannot
   * deadlock) and bumped in one UPDATE, new streams are created in one INSERT; 'any' writes take the one-by-one path.
   */
  private async claimAll(client: PoolClient, sorted: StreamWrite[]): Promise<Map<string, number>> {
    const starts = new Map<string, number>();
    const existing = sorted.filter((w) => typeof w.expectedVersion === 'number' && w.expectedVersion > 0);
    const created = sorted.filter((w) => w.expectedVersion === 0);
    if (existing.length > 0) {
      const ids = existing.map((w) => w.streamId);
      // ids are sorted: the nested loop locks them in that order, one index lookup each.
      await client.query(
        'SELECT 1 FROM unnest($1::text[]) AS s(id) CROSS JOIN LATERAL (SELECT 1 FROM streams WHERE stream_id = s.id FOR UPDATE) l',
        [ids],
      );
      const r = await client.query<{ stream_id: string }>(
        `UPDATE streams s SET version = s.version + u.n
           FROM unnest($1::text[], $2::int[], $3::int[]) AS u(stream_id, expected, n)
          WHERE s.stream_id = u.stream_id AND s.version = u.expected
          RETURNING s.stream_id`,
        [ids, existing.map((w) => w.expectedVersion), existing.map((w) => w.events.length)],
      );
      if (r.rows.length !== existing.length) throw conflictIn(existing, r.rows);
      for (const w of existing) starts.set(w.streamId, w.expectedVersion as number);
    }
    if (created.length > 0) {
      const r = await client.query<{ stream_id: string }>(
        `INSERT INTO streams (stream_id, version) SELECT * FROM unnest($1::text[], $2::int[])
         ON CONFLICT (stream_id) DO NOTHING RETURNING stream_id`,
        [created.map((w) => w.streamId), created.map((w) => w.events.length)],
      );
      if (r.rows.length !== created.length) throw conflictIn(created, r.rows);
      for (const w of created) starts.set(w.streamId, 0);
    }
    for (const w of sorted)
      if (w.expectedVersion === 'any') starts.set(w.streamId, await this.claimVersions(client, w));
    return starts;
  }

  private async claimVersions(client: PoolClient, w: StreamWrite): Promise<number> {
    const n = w.events.length;
    if (w.expectedVersion === 'any') {
      const r = await client.query<{ version: number }>(
        `INSERT INTO streams (stream_id, version) VALUES ($1, $2)
         ON CONFLICT (stream_id) DO UPDATE SET version = streams.version + $2 RETURNING version`,
        [w.streamId, n],
      );
      return r.rows[0].version - n;
    }
    if (w.expectedVersion === 0) {
      const r = await client.query(
        'INSERT INTO streams (stream_id, version) VALUES ($1, $2) ON CONFLICT (stream_id) DO NOTHING',
        [w.streamId, n],
      );
      if (r.rowCount !== 1) throw new WrongExpectedVersionError(w.streamId, 0);
      return 0;
    }
    const r = await client.query('UPDATE streams SET version = version + $3 WHERE stream_id = $1 AND version = $2', [
      w.streamId,
      w.expectedVersion,
      n,
    ]);
    if (r.rowCount !== 1) throw new WrongExpectedVersionError(w.streamId, w.expectedVersion);
    return w.expectedVersion;
  }

  /** readStream loads one stream's events in order; a missing stream has version 0 and no events. */
  async readStream(streamId: string): Promise<LoadedStream> {
    const r = await this.pool.query<EventRow>(
      `SELECT position, stream_id, stream_version, type, schema_version, data, metadata
         FROM events WHERE stream_id = $1 ORDER BY stream_version`,
      [streamId],
    );
    const events = r.rows.map(toRecorded);
    return { streamId, version: events.length ? events[events.length - 1].streamVersion : 0, events };
  }

  /** readStreams loads many streams at once, keyed by stream id. */
  readStreams(streamIds: string[]): Promise<Map<string, LoadedStream>> {
    return this.readStreamsAfter(new Map(streamIds.map((id) => [id, 0])));
  }

  /**
   * readStreamsAfter loads, for each stream, only the events after the version the caller already holds (0: all of them),
   * keyed by stream id; a stream with nothing new has no events and its given version.
   */
  async readStreamsAfter(after: ReadonlyMap<string, number>): Promise<Map<string, LoadedStream>> {
    const out = new Map<string, LoadedStream>(
      [...after].map(([id, version]) => [id, { streamId: id, version, events: [] }]),
    );
    if (after.size === 0) return out;
    const r = await this.pool.query<EventRow>(
      `SELECT e.position, e.stream_id, e.stream_version, e.type, e.schema_version, e.data, e.metadata
         FROM unnest($1::text[], $2::int[]) AS s(id, after)
         CROSS JOIN LATERAL (SELECT * FROM events WHERE stream_id = s.id AND stream_version > s.after OFFSET 0) e
        ORDER BY e.stream_id, e.stream_version`,
      [[...after.keys()], [...after.values()]],
    );
    for (const row of r.rows) {
      const s = out.get(row.stream_id)!;
      s.events.push(toRecorded(row));
      s.version = row.stream_version;
    }
    return out;
  }

  /** readAll pages through the global log after a position, optionally filtered. */
  async readAll(after: string, limit: number, filter: ReadAllFilter = {}): Promise<RecordedEvent<MammothEvent>[]> {
    const { text, values } = PgEventStore.readAllQuery(after, limit, filter);
    const r = await this.pool.query<EventRow>(text, values);
    return r.rows.map(toRecorded);
  }

  /** readAllQuery is the statement readAll runs, each filter an indexed expression (so it can be EXPLAINed). */
  static readAllQuery(after: string, limit: number, filter: ReadAllFilter): { text: string; values: unknown[] } {
    const { where, params } = whereOf(after, filter);
    params.push(limit);
    return {
      text: `SELECT position, stream_id, stream_version, type, schema_version, data, metadata
               FROM events WHERE ${where} ORDER BY position LIMIT $${params.length}`,
      values: params,
    };
  }

  /** head is the log's last position ('0' while it is empty), where a new tail starts. */
  async head(): Promise<string> {
    const r = await this.pool.query<{ p: string }>('SELECT COALESCE(max(position), 0)::text AS p FROM events');
    return r.rows[0].p;
  }

  /**
   * tail lists the events of the given types after position `after`, oldest first, at most `limit`: what a loop that
   * follows the log reads on each turn (a tail follows positions, so an event that commits late below `after` is missed).
   */
  tail(after: string, types: readonly string[], limit = 1000): Promise<RecordedEvent<MammothEvent>[]> {
    return this.readAll(after, limit, { types: [...types] });
  }

  /** lastPosition is the position of the newest event of any of the given types ('0' when there is none). */
  async lastPosition(types: readonly string[]): Promise<string> {
    const r = await this.pool.query<{ p: string }>(
      // One backward index scan per type (events_type_position), whatever the size of the log.
      `SELECT COALESCE(max(m), 0)::text AS p FROM unnest($1::text[]) AS t(type)
         CROSS JOIN LATERAL (SELECT max(position) AS m FROM events e WHERE e.type = t.type) x`,
      [types],
    );
    return r.rows[0].p;
  }

  /**
   * latestPerStream returns, for each stream holding an event of the given types, its newest such event (recorded at or
   * after `since`), unless an event of `notFollowedBy` follows it in its stream; in log order. It answers "which apps are
   * pending now" (the last InstancesPending not cleared since) or "which instances were last judged unhealthy".
   */
  async latestPerStream(types: readonly string[], filter: LatestFilter = {}): Promise<RecordedEvent<MammothEvent>[]> {
    const params: unknown[] = [types];
    let since = '';
    if (filter.since) {
      params.push(filter.since);
      since = `AND recorded_at >= $${params.length}`;
    }
    let unfollowed = '';
    if (filter.notFollowedBy?.length) {
      params.push(filter.notFollowedBy);
      unfollowed = `WHERE NOT EXISTS (SELECT 1 FROM events f WHERE f.stream_id = p.stream_id
                      AND f.stream_version > p.stream_version AND f.type = ANY($${params.length}::text[]))`;
    }
    const r = await this.pool.query<EventRow>(
      `SELECT p.* FROM (SELECT DISTINCT ON (stream_id) position, stream_id, stream_version, type, schema_version, data, metadata
                          FROM events WHERE type = ANY($1::text[]) ${since} ORDER BY stream_id, stream_version DESC) p
        ${unfollowed} ORDER BY p.position`,
      params,
    );
    return r.rows.map(toRecorded);
  }

  /** readHeads pages through the global log like readAll but returns only where each event sits, not the event itself. */
  async readHeads(after: string, limit: number, filter: ReadAllFilter = {}): Promise<EventHead[]> {
    const { where, params } = whereOf(after, filter);
    params.push(limit);
    const r = await this.pool.query<{ position: string; stream_id: string; stream_version: number }>(
      `SELECT position, stream_id, stream_version FROM events WHERE ${where} ORDER BY position LIMIT $${params.length}`,
      params,
    );
    return r.rows.map((x) => ({
      position: String(x.position),
      streamId: x.stream_id,
      streamVersion: x.stream_version,
    }));
  }

  /** readAt loads the events at the given positions, in position order. */
  async readAt(positions: string[]): Promise<RecordedEvent<MammothEvent>[]> {
    if (positions.length === 0) return [];
    const r = await this.pool.query<EventRow>(
      `SELECT e.position, e.stream_id, e.stream_version, e.type, e.schema_version, e.data, e.metadata
         FROM unnest($1::bigint[]) AS p(position)
         CROSS JOIN LATERAL (SELECT * FROM events WHERE position = p.position LIMIT 1) e
        ORDER BY e.position`,
      [positions],
    );
    return r.rows.map(toRecorded);
  }

  /** streamIdsWithPrefix lists the streams of one category, for example every node. */
  async streamIdsWithPrefix(prefix: string): Promise<string[]> {
    const r = await this.pool.query<{ stream_id: string }>(
      `SELECT stream_id FROM streams WHERE stream_id LIKE $1 ORDER BY stream_id`,
      [prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%'],
    );
    return r.rows.map((x) => x.stream_id);
  }
}

/** whereOf builds readAll's WHERE clause and its parameters. */
function whereOf(after: string, filter: ReadAllFilter): { where: string; params: unknown[] } {
  const where = ['position > $1'];
  const params: unknown[] = [after];
  if (filter.types?.length) {
    params.push(filter.types);
    where.push(`type = ANY($${params.length}::text[])`);
  }
  if (filter.streamPrefix) {
    params.push(filter.streamPrefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%');
    where.push(`stream_id LIKE $${params.length}`);
  }
  if (filter.streamIds?.length) {
    params.push(filter.streamIds);
    where.push(`stream_id = ANY($${params.length}::text[])`);
  }
  // Each filter below is an expression the migrations index with the position (see EventIndexes1732240000080).
  if (filter.app) {
    params.push(filter.app);
    where.push(`mammoth_event_app(stream_id, data) = $${params.length}`);
  }
  if (filter.node) {
    params.push(filter.node);
    where.push(`mammoth_event_node(stream_id, data) = $${params.length}`);
  }
  if (filter.actor) {
    params.push(filter.actor);
    where.push(`metadata->>'actor' = $${params.length}`);
  }
  return { where: where.join(' AND '), params };
}

/** conflictIn names the first write whose stream did not move as expected. */
function conflictIn(writes: StreamWrite[], moved: { stream_id: string }[]): WrongExpectedVersionError {
  const ok = new Set(moved.map((r) => r.stream_id));
  const w = writes.find((x) => !ok.has(x.streamId))!;
  return new WrongExpectedVersionError(w.streamId, w.expectedVersion);
}

/** toRecorded turns a row into a validated, upcast RecordedEvent. */
export function toRecorded(row: EventRow): RecordedEvent<MammothEvent> {
  return {
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    position: String(row.position),
    event: parseEvent(row.type, row.schema_version, row.data),
    metadata: row.metadata,
  };
}
