import { Client, Pool } from 'pg';
import { Projection } from './projection';

/** streamsBehind counts the event-store streams of a projection's categories whose newest event the projection has not applied yet. */
export async function streamsBehind(db: Pool | Client, projection: Projection): Promise<number> {
  const r = await db.query<{ behind: number }>(
    `SELECT count(*)::int AS behind
       FROM streams s
       LEFT JOIN projection_streams p ON p.projection = $1 AND p.stream_id = s.stream_id
      WHERE s.stream_id LIKE ANY($2::text[]) AND COALESCE(p.version, 0) < s.version`,
    [projection.name, projection.categories.map((c) => `${c}-%`)],
  );
  return r.rows[0].behind;
}
