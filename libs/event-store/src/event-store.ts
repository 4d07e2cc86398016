import { Pool } from 'pg';
import { EventMetadata, MammothEvent, parseEvent, RecordedEvent } from '@mammoth/events';
import { appendBatch } from './append-batch';
import { AppendCommand, AppendContext, appendUnit, StreamWrite } from './append-unit';
import { DEFAULT_GROUP_COMMIT_LIMITS, GroupCommit, GroupCommitLimits, GroupCommitStats } from './group-commit';
import { eventsAppended } from './metrics';

export type { AppendCommand, AppendContext, StreamWrite } from './append-unit';

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

/**
 * OnInvalid hears of an event a read cannot parse (invalid data, or a schema newer than this reader knows). A read given
 * one leaves the event out instead of failing, and in a stream read also the rest of that stream.
 */
export type OnInvalid = (head: EventHead, err: Error) => void;

/** LogPage is one page of a tail: the events read (less any left out as invalid), the last position read, and whether more may follow. */
export interface LogPage {
  readonly events: RecordedEvent<MammothEvent>[];
  readonly position: string;
  readonly more: boolean;
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

/** EventStoreOptions tune how appends are grouped into transactions. */
export interface EventStoreOptions {
  /** groupCommit bounds the batches that concurrent appends share (defaults: DEFAULT_GROUP_COMMIT_LIMITS). */
  groupCommit?: Partial<GroupCommitLimits>;
}

/**
 * PgEventStore is the append-only event log in PostgreSQL, with per-stream optimistic concurrency and an outbox for the
 * relay. Concurrent appends are group-committed: those that arrive while a batch commits share the next transaction.
 */
export class PgEventStore {
  private readonly group: GroupCommit;

  constructor(
    private readonly pool: Pool,
    opts: EventStoreOptions = {},
  ) {
    this.group = new GroupCommit((units) => appendBatch(pool, units), {
      ...DEFAULT_GROUP_COMMIT_LIMITS,
      ...opts.groupCommit,
    });
  }

  /** commitStats counts the batches appends were committed in and the appends they carried. */
  get commitStats(): GroupCommitStats {
    return { ...this.group.stats };
  }

  /**
   * append writes to several streams atomically, each checked against its expected version, and returns the positions
   * written in ascending order; a conflict rejects with WrongExpectedVersionError and writes nothing. Appends made
   * concurrently may share a transaction, but each succeeds or fails on its own.
   */
  append(writes: StreamWrite[], ctx: AppendContext): Promise<{ positions: string[] }> {
    return this.appendAll([{ writes, ctx }]);
  }

  /**
   * appendAll commits several commands atomically, each with its own metadata: all of them or, on any conflict, none.
   * Commands may write to the same stream when their expected versions follow each other (the second expects the first's
   * end); writes that do not follow each other are refused before anything is sent.
   */
  async appendAll(commands: readonly AppendCommand[]): Promise<{ positions: string[] }> {
    const unit = appendUnit(commands);
    if (!unit) return { positions: [] };
    const positions = await this.group.submit(unit);
    for (const c of commands) for (const w of c.writes) for (const e of w.events) eventsAppended.inc({ type: e.type });
    return { positions };
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
  readStreams(streamIds: string[], onInvalid?: OnInvalid): Promise<Map<string, LoadedStream>> {
    return this.readStreamsAfter(new Map(streamIds.map((id) => [id, 0])), onInvalid);
  }

  /**
   * readStreamsAfter loads, for each stream, only the events after the version the caller already holds (0: all of them),
   * keyed by stream id; a stream with nothing new has no events and its given version.
   */
  async readStreamsAfter(
    after: ReadonlyMap<string, number>,
    onInvalid?: OnInvalid,
  ): Promise<Map<string, LoadedStream>> {
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
    const broken = new Set<string>();
    for (const row of r.rows) {
      if (broken.has(row.stream_id)) continue;
      const s = out.get(row.stream_id)!;
      const event = recordedOrReport(row, onInvalid);
      if (!event) {
        broken.add(row.stream_id);
        continue;
      }
      s.events.push(event);
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

  /** countAfter counts the events after a position that pass the filter: how far a reader at that position lags. */
  async countAfter(after: string, filter: ReadAllFilter = {}): Promise<number> {
    const { where, params } = whereOf(after, filter);
    const r = await this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE ${where}`, params);
    return r.rows[0].n;
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
   * tail lists the events of the given types after position `after`, oldest first, reading at most `limit`: what a loop
   * that follows the log reads on each turn (a tail follows positions, so an event that commits late below `after` is
   * missed). `position` is the last position read, past any event `onInvalid` was told of and left out; without
   * `onInvalid` such an event fails the read.
   */
  async tail(after: string, types: readonly string[], limit = 1000, onInvalid?: OnInvalid): Promise<LogPage> {
    const { text, values } = PgEventStore.readAllQuery(after, limit, { types: [...types] });
    const r = await this.pool.query<EventRow>(text, values);
    return {
      events: r.rows.flatMap((row) => recordedOrReport(row, onInvalid) ?? []),
      position: r.rows.length ? String(r.rows[r.rows.length - 1].position) : after,
      more: r.rows.length === limit,
    };
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
  async latestPerStream(
    types: readonly string[],
    filter: LatestFilter = {},
    onInvalid?: OnInvalid,
  ): Promise<RecordedEvent<MammothEvent>[]> {
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
    return r.rows.flatMap((row) => recordedOrReport(row, onInvalid) ?? []);
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
  async readAt(positions: string[], onInvalid?: OnInvalid): Promise<RecordedEvent<MammothEvent>[]> {
    if (positions.length === 0) return [];
    const r = await this.pool.query<EventRow>(
      `SELECT e.position, e.stream_id, e.stream_version, e.type, e.schema_version, e.data, e.metadata
         FROM unnest($1::bigint[]) AS p(position)
         CROSS JOIN LATERAL (SELECT * FROM events WHERE position = p.position LIMIT 1) e
        ORDER BY e.position`,
      [positions],
    );
    return r.rows.flatMap((row) => recordedOrReport(row, onInvalid) ?? []);
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

/** recordedOrReport is toRecorded, except that with an OnInvalid an unreadable row is reported and comes back null. */
function recordedOrReport(row: EventRow, onInvalid?: OnInvalid): RecordedEvent<MammothEvent> | null {
  if (!onInvalid) return toRecorded(row);
  try {
    return toRecorded(row);
  } catch (err) {
    onInvalid(
      { position: String(row.position), streamId: row.stream_id, streamVersion: row.stream_version },
      err as Error,
    );
    return null;
  }
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
