import { randomUUID } from 'node:crypto';
import { DomainEvent, EventMetadata } from '@mammoth/events';
import { ExpectedVersion } from './errors';

/** StreamWrite is one stream's share of an atomic append. */
export interface StreamWrite {
  streamId: string;
  expectedVersion: ExpectedVersion;
  events: DomainEvent[];
  /** actor, when given, overrides the context's actor for this stream's events (one batch of reports from many nodes). */
  actor?: string;
}

/** AppendContext is the metadata every event of one command shares. */
export interface AppendContext {
  correlationId: string;
  causationId?: string | null;
  actor: string;
  timestamp: string;
}

/** AppendCommand is one command's share of an atomic append: its writes and the metadata its events carry. */
export interface AppendCommand {
  readonly writes: StreamWrite[];
  readonly ctx: AppendContext;
}

/** UnitWrite is one stream's merged write in a unit: the version it must be at (null: any) and how many events follow. */
export interface UnitWrite {
  readonly streamId: string;
  readonly expected: number | null;
  readonly n: number;
}

/**
 * AppendUnit is what one append call commits atomically: one merged write per stream, sorted by stream id, and its event
 * rows as a JSON array body (without brackets), each row naming its stream and its 1-based place `i` in that write.
 */
export interface AppendUnit {
  readonly writes: readonly UnitWrite[];
  readonly rows: string;
  /** bytes is the size of `rows`, for bounding a batch. */
  readonly bytes: number;
}

/**
 * appendUnit merges several commands into one atomic unit, or returns null when they carry no event. Commands may write to
 * the same stream when their expected versions follow each other (the second expects the first's end); anything else
 * throws, because it could never commit.
 */
export function appendUnit(commands: readonly AppendCommand[]): AppendUnit | null {
  const merged = new Map<string, { expected: ExpectedVersion; rows: object[] }>();
  for (const { writes, ctx } of commands) {
    for (const write of writes) {
      if (write.events.length === 0) continue;
      const m = merged.get(write.streamId) ?? { expected: write.expectedVersion, rows: [] };
      if (
        m.rows.length > 0 &&
        (typeof m.expected !== 'number' || write.expectedVersion !== m.expected + m.rows.length)
      ) {
        throw new Error(
          `appendAll: the writes to ${write.streamId} do not follow each other (${String(write.expectedVersion)} after ${String(m.expected)}+${m.rows.length})`,
        );
      }
      for (const e of write.events) m.rows.push(rowOf(write, ctx, e, m.rows.length + 1));
      merged.set(write.streamId, m);
    }
  }
  if (merged.size === 0) return null;
  const streams = [...merged.keys()].sort(byCodeUnit);
  const rows = JSON.stringify(streams.flatMap((s) => merged.get(s)!.rows)).slice(1, -1);
  return {
    writes: streams.map((streamId) => {
      const { expected, rows } = merged.get(streamId)!;
      return { streamId, expected: expected === 'any' ? null : expected, n: rows.length };
    }),
    rows,
    bytes: rows.length,
  };
}

function rowOf(write: StreamWrite, ctx: AppendContext, e: DomainEvent, i: number): object {
  const metadata: EventMetadata = {
    eventId: randomUUID(),
    correlationId: ctx.correlationId,
    causationId: ctx.causationId ?? null,
    actor: write.actor ?? ctx.actor,
    timestamp: ctx.timestamp,
  };
  return {
    stream_id: write.streamId,
    i,
    type: e.type,
    schema_version: e.version,
    data: e.data,
    metadata,
    event_id: metadata.eventId,
  };
}

/** byCodeUnit orders strings by UTF-16 code units, the one order every locker of stream rows uses. */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
