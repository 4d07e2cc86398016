import { Pool } from 'pg';
import { Projection, REBUILT_CHANNEL } from './projection';
import { lockProjection, withTransaction } from './tx';

/**
 * resetProjection empties a projection's tables and forgets its offsets, stream versions and dead letters (a rebuild reads
 * every event again and parks again what it still cannot read) in one transaction, then notifies REBUILT_CHANNEL.
 */
export async function resetProjection(pool: Pool, projection: Projection): Promise<void> {
  await withTransaction(pool, async (tx) => {
    await lockProjection(tx, projection.name);
    if (projection.tables.length) await tx.query(`TRUNCATE ${projection.tables.map((t) => `"${t}"`).join(', ')}`);
    await tx.query('DELETE FROM projection_offsets WHERE projection = $1', [projection.name]);
    await tx.query('DELETE FROM projection_streams WHERE projection = $1', [projection.name]);
    await tx.query('DELETE FROM projection_dead_letters WHERE projection = $1', [projection.name]);
    await tx.query('SELECT pg_notify($1, $2)', [REBUILT_CHANNEL, projection.name]);
  });
}
