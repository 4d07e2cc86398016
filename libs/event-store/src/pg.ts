import { ClientConfig, Pool, PoolConfig } from 'pg';
import type { DatabaseConfig } from '@mammoth/platform';

/**
 * pgConfig is the connection settings of a database config: its URL, a bound on opening a connection, and PostgreSQL's
 * statement_timeout for every statement of the session (0: none), so a hung server or a runaway query fails instead of
 * stalling its caller.
 */
export function pgConfig(db: DatabaseConfig): ClientConfig {
  return {
    connectionString: db.url,
    connectionTimeoutMillis: db.connectTimeoutMs,
    statement_timeout: db.statementTimeoutMs,
  };
}

/** pgPoolConfig is pgConfig with the database config's pool size. */
export function pgPoolConfig(db: DatabaseConfig): PoolConfig {
  return { ...pgConfig(db), max: db.poolMax };
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
