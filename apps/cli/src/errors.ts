import { CommanderError } from 'commander';
import { ApiError, ConnectionError } from '@mammoth/api-client';

/** EXIT is the CLI's exit codes: 0 success, 1 an error (from the API or the cluster), 2 a usage error. */
export const EXIT = { ok: 0, error: 1, usage: 2 } as const;

/** UsageError is a command line that cannot be run as typed; it exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** CliError is a failure the CLI itself detected (a timeout, a missing app); it exits 1. */
export class CliError extends Error {
  override name = 'CliError';
}

/** FIELD_FLAGS maps an API input field to the flag that sets it, so an error can name both. */
const FIELD_FLAGS: Record<string, string> = {
  memoryMiB: '--memory',
  diskMiB: '--disk',
  cpus: '--cpus',
  instances: '--instances',
  package: '--package',
  version: '--version',
  strategy: '--strategy',
  maxRestarts: '--max-restarts',
  restartWindowMs: '--restart-window',
  maxSurge: '--max-surge',
  maxUnavailable: '--max-unavailable',
  after: '--after',
  limit: '--limit',
};

/** describeError renders a failure as the line(s) the CLI prints to stderr, with the API's code and field. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    const flag = err.field && FIELD_FLAGS[err.field];
    const where = err.field ? `, field ${err.field}${flag ? ` (${flag})` : ''}` : '';
    return `error: ${err.operation ? `${err.operation}: ` : ''}${err.message} [${err.code}${where}]`;
  }
  if (err instanceof Error) return `error: ${err.message}`;
  return `error: ${String(err)}`;
}

/** exitCodeOf maps a failure to its exit code. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.ok;
    return EXIT.usage;
  }
  if (err instanceof UsageError) return EXIT.usage;
  if (err instanceof ApiError || err instanceof ConnectionError || err instanceof CliError) return EXIT.error;
  return EXIT.error;
}
