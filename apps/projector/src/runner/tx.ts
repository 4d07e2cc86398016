import { Pool, PoolClient } from 'pg';
import { PROJECTION_LOCK_CLASS } from './projection';

/** withTransaction runs fn in one transaction; a failed client is discarded rather than returned to the pool. */
export async function withTransaction<T>(pool: Pool, fn: (tx: PoolClient) => Promise<T>): Promise<T> {
  const tx = await pool.connect();
  // A connection that dies between two queries emits 'error' on the checked-out client; the failing query reports it.
  const ignore = (): void => undefined;
  tx.on('error', ignore);
  try {
    await tx.query('BEGIN');
    const result = await fn(tx);
    await tx.query('COMMIT');
    tx.off('error', ignore);
    tx.release();
    return result;
  } catch (err) {
    await tx.query('ROLLBACK').catch(() => undefined);
    tx.off('error', ignore);
    tx.release(err as Error);
    throw err;
  }
}

/** lockProjection takes the projection's advisory lock until the transaction ends, so batches and rebuilds of one projection never interleave. */
export async function lockProjection(tx: PoolClient, name: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [PROJECTION_LOCK_CLASS, name]);
}
