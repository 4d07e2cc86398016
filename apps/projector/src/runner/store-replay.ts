import { Pool } from 'pg';
import { wireValue } from '@mammoth/events';
import { ParkedNow, parkedOf, rebuildHint } from './apply-batch';
import { foldEvents, streamVersions } from './apply-events';
import { blockedStreams, park } from './dead-letters';
import { Projection } from './projection';
import { decodeMessage, sortOut, StreamGate } from './stream-gate';
import { lockProjection, withTransaction } from './tx';

interface EventRow {
  position: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: unknown;
}

/**
 * STORE_REPLAY_PAGE is how many events a replay from the store reads and folds per transaction: each page reads and
 * writes every row and stream version it touches once, so large pages write a row that many events change only once.
 */
export const STORE_REPLAY_PAGE = 10_000;

/** Replayed counts what a replay from the event store applied and parked. */
export interface Replayed {
  applied: number;
  parked: ParkedNow[];
}

/**
 * replayFromStore folds the event store's events of the projection's categories up to `safe` (the log's safe position:
 * nothing at or below it can still commit, so every stream is whole there) into a projection just reset, page by page in
 * position order, each page in one transaction under the projection's lock, through the same StreamGate as Kafka
 * batches. The consumer then reads its topics from offset zero and finds those events already applied by stream version,
 * so events past `safe` come from Kafka and none is lost or applied twice.
 */
export async function replayFromStore(
  pool: Pool,
  projection: Projection,
  safe: bigint,
  pageSize = STORE_REPLAY_PAGE,
): Promise<Replayed> {
  const out: Replayed = { applied: 0, parked: [] };
  const prefixes = projection.categories.map((c) => `${c}-%`);
  for (let after = 0n; ;) {
    const page = await withTransaction(pool, async (tx) => {
      await lockProjection(tx, projection.name);
      const r = await tx.query<EventRow>(
        `SELECT position::text AS position, stream_id, stream_version, type, schema_version, data, metadata FROM events
          WHERE position > $1 AND position <= $2 AND stream_id LIKE ANY($3::text[]) ORDER BY events.position LIMIT $4`,
        [after.toString(), safe.toString(), prefixes, pageSize],
      );
      const decoded = r.rows.map((row) =>
        decodeMessage(
          wireValue({
            streamId: row.stream_id,
            streamVersion: row.stream_version,
            position: row.position,
            type: row.type,
            version: row.schema_version,
            data: row.data,
            metadata: row.metadata,
          }),
          row.stream_id,
          `store@${row.position}`,
        ),
      );
      const streams = [...new Set(decoded.map((d) => d.streamId))];
      const gate = new StreamGate(
        await streamVersions(tx, projection.name, streams),
        await blockedStreams(tx, projection.name, streams),
        rebuildHint(projection.name),
      );
      const sorted = sortOut(gate, decoded);
      await foldEvents(tx, projection, sorted.events);
      await park(tx, projection.name, sorted.letters);
      out.applied += sorted.events.length;
      out.parked.push(...parkedOf(sorted.letters));
      return { rows: r.rows.length, last: r.rows.length ? BigInt(r.rows[r.rows.length - 1].position) : after };
    });
    after = page.last;
    if (page.rows < pageSize) return out;
  }
}
