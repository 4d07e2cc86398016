import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientTokenConfig, parseConfig } from '../libs/platform/src/config';

/** BENCH_AUTH holds the Authorization header every request of a benchmark sends, once it has a token. */
export const BENCH_AUTH: Record<string, string> = {};

/**
 * bootstrapBenchToken bootstraps the admin token of a benchmark's own database (as scripts/up.sh does), makes every request
 * send it, and returns the file (mode 0600) to hand its processes as MAMMOTH_TOKEN_FILE.
 */
export function bootstrapBenchToken(dbUrl: string, runDir: string): string {
  const file = join(runDir, 'secrets', 'admin.token');
  execFileSync(
    process.execPath,
    [join(__dirname, '..', 'apps', 'control-plane', 'src', 'main.js'), 'bootstrap-token', '--out', file],
    { env: { ...process.env, DATABASE_URL: dbUrl, LOG_LEVEL: 'warn' }, stdio: 'ignore' },
  );
  BENCH_AUTH.authorization = `Bearer ${readFileSync(file, 'utf8').trim()}`;
  return file;
}

/** useEnvToken makes every request send the token of MAMMOTH_TOKEN or MAMMOTH_TOKEN_FILE (a running Mammoth's). */
export function useEnvToken(fallbackFile: string): void {
  const { token } = parseConfig(clientTokenConfig, { MAMMOTH_TOKEN_FILE: fallbackFile, ...process.env });
  if (token) BENCH_AUTH.authorization = `Bearer ${token}`;
}
