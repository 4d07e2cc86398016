import { Pool, PoolConfig } from 'pg';

/** pgConfigFromEnv reads the database settings every Mammoth process shares (DATABASE_URL, default the local `mammoth` database). */
export function pgConfigFromEnv(env: NodeJS.ProcessEnv = process.env): PoolConfig {
  return {
    connectionString: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mammoth',
    max: Number(env.PG_POOL_MAX ?? 10),
    connectionTimeoutMillis: 5000,
  };
}

/**
 * OLTP_OPTIONS turn PostgreSQL's JIT off for Mammoth's sessions: every query here is a short key lookup or a batch write, and
 * on tables without statistics yet (a fresh or fast-growing log) the planner's cost estimates trip the JIT thresholds, so
 * each query would spend tens of milliseconds compiling code to save microseconds.
 */
export const OLTP_OPTIONS = '-c jit=off';

/** createPool makes a pg Pool that survives server restarts (idle-client errors are logged, not fatal), with JIT off unless options say otherwise. */
export function createPool(config: PoolConfig): Pool {
  const pool = new Pool({ options: OLTP_OPTIONS, ...config });
  pool.on('error', () => undefined);
  return pool;
}
