import { PoolClient } from 'pg';
import { MammothEvent, RecordedEvent } from '@mammoth/events';
import { Projection } from './projection';

/** streamVersions reads the last stream version the projection applied for each of the streams (absent: none). */
export async function streamVersions(
  tx: PoolClient,
  projection: string,
  streamIds: readonly string[],
): Promise<Map<string, number>> {
  if (streamIds.length === 0) return new Map();
  const r = await tx.query<{ stream_id: string; version: number }>(
    // One index lookup per stream: a plain `= ANY` of a batch's ids makes the planner scan every stream the projection has seen.
    `SELECT ps.stream_id, ps.version FROM unnest($2::text[]) AS s(id)
       CROSS JOIN LATERAL (SELECT stream_id, version FROM projection_streams WHERE projection = $1 AND stream_id = s.id LIMIT 1) ps`,
    [projection, streamIds],
  );
  return new Map(r.rows.map((x) => [x.stream_id, x.version]));
}

/** saveStreamVersions records stream versions as applied; a version never moves back. */
export async function saveStreamVersions(
  tx: PoolClient,
  projection: string,
  versions: ReadonlyMap<string, number>,
): Promise<void> {
  if (versions.size === 0) return;
  await tx.query(
    `INSERT INTO projection_streams (projection, stream_id, version)
     SELECT $1, * FROM unnest($2::text[], $3::int[])
     ON CONFLICT (projection, stream_id) DO UPDATE SET version = GREATEST(projection_streams.version, EXCLUDED.version)`,
    [projection, [...versions.keys()], [...versions.values()]],
  );
}

/**
 * foldEvents applies events a StreamGate let through (new, in each stream's order) in the caller's transaction: the ones
 * the projection handles go to it, and every event's stream version is recorded as applied.
 */
export async function foldEvents(
  tx: PoolClient,
  projection: Projection,
  events: readonly RecordedEvent<MammothEvent>[],
): Promise<void> {
  const handled = events.filter((e) => projection.handles(e.event.type));
  if (projection.applyBatch) await projection.applyBatch(tx, handled);
  else for (const e of handled) await projection.apply(tx, e);
  const versions = new Map<string, number>();
  for (const e of events) versions.set(e.streamId, Math.max(versions.get(e.streamId) ?? 0, e.streamVersion));
  await saveStreamVersions(tx, projection.name, versions);
}
