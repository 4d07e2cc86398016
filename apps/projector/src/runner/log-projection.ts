import { PoolClient } from 'pg';
import { MammothEvent, RecordedEvent } from '@mammoth/events';

/** LoggedEvent is an event read from the event store with the key of the commit that wrote it. */
export interface LoggedEvent {
  readonly recorded: RecordedEvent<MammothEvent>;
  /** commit is the same for every event one append wrote: its transaction's start time (µs) and correlation id. */
  readonly commit: string;
}

/** LogPage is one run of events handed to a log projection, in position order, inside the runner's transaction. */
export interface LogPage {
  readonly events: readonly LoggedEvent[];
  /** atSafe says the page reaches the log's safe position: there is no further event of the projection's types before it. */
  readonly atSafe: boolean;
  /** commitContinues says whether an event of commit `key` is already visible beyond the safe position (a commit is visible whole or not at all). */
  commitContinues(key: string): Promise<boolean>;
}

/**
 * LogProjection is a read model folded from the event store in global position order instead of from Kafka, for read models
 * whose output is a sequence that a rebuild must reproduce exactly (Kafka orders events per stream only, so two streams
 * interleave differently on every replay). The runner keeps its position in projection_positions in the same transaction.
 */
export interface LogProjection<S = unknown> {
  readonly name: string;
  /** tables are truncated by a rebuild; they must hold nothing but this projection's rows. */
  readonly tables: readonly string[];
  /** types are the event types it reads. */
  readonly types: readonly string[];
  /** load reads the state kept between pages from the projection's tables. */
  load(tx: PoolClient): Promise<S>;
  /** apply folds a page into the state (which it may change in place) and writes what changed, in the runner's transaction. */
  apply(tx: PoolClient, state: S, page: LogPage): Promise<void>;
}
