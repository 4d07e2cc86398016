import { z } from 'zod';
import { int } from './env';

/** DatabaseConfig is how a process reaches PostgreSQL; a timeout of 0 means none. */
export interface DatabaseConfig {
  readonly url: string;
  readonly poolMax: number;
  /** connectTimeoutMs bounds opening a connection (PG_CONNECT_TIMEOUT_MS). */
  readonly connectTimeoutMs: number;
  /** statementTimeoutMs is PostgreSQL's statement_timeout for the process's sessions (PG_STATEMENT_TIMEOUT_MS). */
  readonly statementTimeoutMs: number;
}

/** DEFAULT_DATABASE_URL is the local `mammoth` database that scripts/infra starts. */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/mammoth';

/** postgresProblem says what is wrong with a PostgreSQL URL, or null when nothing is. */
function postgresProblem(s: string): string | null {
  if (!URL.canParse(s)) return 'not a URL';
  const url = new URL(s);
  if (!/^postgres(ql)?:$/.test(url.protocol)) return 'must be a postgres:// or postgresql:// URL';
  if (url.pathname.length <= 1) return 'must name a database, e.g. postgres://user@host:5432/mammoth';
  return null;
}

const postgresUrl = z.string().superRefine((s, ctx) => {
  const problem = postgresProblem(s);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
});

/**
 * databaseConfig is the schema of the PostgreSQL settings every process shares: DATABASE_URL, PG_POOL_MAX (the process's
 * own default), PG_CONNECT_TIMEOUT_MS (5 s) and PG_STATEMENT_TIMEOUT_MS (30 s).
 */
export const databaseConfig = (poolMax: number) =>
  z
    .object({
      DATABASE_URL: postgresUrl.default(DEFAULT_DATABASE_URL),
      PG_POOL_MAX: int(1).default(poolMax),
      PG_CONNECT_TIMEOUT_MS: int(0).default(5000),
      PG_STATEMENT_TIMEOUT_MS: int(0).default(30_000),
    })
    .transform((e): DatabaseConfig => ({
      url: e.DATABASE_URL,
      poolMax: e.PG_POOL_MAX,
      connectTimeoutMs: e.PG_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: e.PG_STATEMENT_TIMEOUT_MS,
    }));
