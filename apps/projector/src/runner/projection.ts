import { PoolClient } from 'pg';
import { MammothEvent, RecordedEvent, StreamCategory } from '@mammoth/events';

/** Projection is one read model: the stream categories it reads, the tables it owns, and how it applies an event inside the runner's transaction. */
export interface Projection {
  readonly name: string;
  readonly categories: readonly StreamCategory[];
  /** tables are truncated by a rebuild; they must hold nothing but this projection's rows. */
  readonly tables: readonly string[];
  handles(type: string): boolean;
  apply(tx: PoolClient, event: RecordedEvent<MammothEvent>): Promise<void>;
  /**
   * applyBatch, when given, applies a whole Kafka batch's handled events (in order, duplicates removed) at once, and must
   * leave the same rows as `apply` on each in turn; it lets a projection read and write each row once per batch.
   */
  applyBatch?(tx: PoolClient, events: readonly RecordedEvent<MammothEvent>[]): Promise<void>;
}

/** ProjectorLog is the logging the runner needs; Nest's Logger satisfies it. */
export interface ProjectorLog {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** RebuildSource is where a rebuild replays from: Kafka's topics from offset zero, or the event store first. */
export type RebuildSource = 'kafka' | 'store';

/** rebuildPayload is the NOTIFY payload of a rebuild request: the projection's name, then ` --from store` for the store. */
export function rebuildPayload(name: string, from: RebuildSource): string {
  return from === 'store' ? `${name} --from store` : name;
}

/** parseRebuildPayload reads a rebuild request back; a payload it does not recognise is a request to rebuild from Kafka. */
export function parseRebuildPayload(payload: string): { name: string; from: RebuildSource } {
  const store = payload.endsWith(' --from store');
  return { name: store ? payload.slice(0, -' --from store'.length) : payload, from: store ? 'store' : 'kafka' };
}

/** REBUILD_CHANNEL is the PostgreSQL NOTIFY channel that asks running projectors to rebuild the projection named in the payload. */
export const REBUILD_CHANNEL = 'mammoth_projection_rebuild';
/** REBUILT_CHANNEL is notified, in the rebuild's own transaction, once a projection's tables and offsets are cleared. */
export const REBUILT_CHANNEL = 'mammoth_projection_rebuilt';

/** PROJECTION_LOCK_CLASS namespaces the transaction-level advisory lock that serialises one projection's writes across processes. */
export const PROJECTION_LOCK_CLASS = 7_424_802;
