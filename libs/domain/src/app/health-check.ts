import { HEALTH_CHECK_KINDS, HealthCheck } from '@mammoth/events';
import { DomainError } from '../shared/errors';
import { checkInt, firstError } from '../shared/validation';

/** HealthCheckFields is a health check as it arrives from outside: a kind plus whichever fields it uses, defaults not yet filled. */
export interface HealthCheckFields {
  readonly kind: string;
  readonly path?: string | null;
  readonly expectedStatus?: number | null;
  readonly command?: readonly string[] | null;
  readonly intervalMs?: number | null;
  readonly timeoutMs?: number | null;
  readonly gracePeriodMs?: number | null;
  readonly unhealthyThreshold?: number | null;
  readonly healthyThreshold?: number | null;
}

/** HEALTH_CHECK_DEFAULTS fill what a check leaves out: probe every 5 s with a 2 s timeout, 10 s of grace, unhealthy after 3 failures. */
export const HEALTH_CHECK_DEFAULTS = {
  expectedStatus: 200,
  intervalMs: 5000,
  timeoutMs: 2000,
  gracePeriodMs: 10000,
  unhealthyThreshold: 3,
  healthyThreshold: 1,
} as const;

const HOUR_MS = 3_600_000;
const MAX_ARGS = 64;
const MAX_ARG_LENGTH = 4096;
// eslint-disable-next-line no-control-regex -- a path must hold no control character
const PATH = /^\/[^\s\u0000-\u001f\u007f]{0,2047}$/;

/** checkHealthCheck validates a health check read loosely from outside, naming the field at fault (e.g. `healthCheck.path`). */
export function checkHealthCheck(hc: HealthCheckFields | null | undefined): DomainError | null {
  if (hc == null) return null;
  const at = (f: string) => `healthCheck.${f}`;
  const kind = hc.kind as HealthCheck['kind'];
  const optional = (f: keyof HealthCheckFields, min: number, max: number) =>
    hc[f] == null ? null : checkInt(at(f), hc[f] as number, min, max);
  const timing = () =>
    firstError(
      optional('intervalMs', 100, HOUR_MS),
      optional('timeoutMs', 10, 10 * 60_000),
      optional('gracePeriodMs', 0, HOUR_MS),
      optional('unhealthyThreshold', 1, 100),
      optional('healthyThreshold', 1, 100),
    );
  switch (kind) {
    case 'http':
      return notTaken(hc, kind, ['command']) ?? checkPath(hc.path) ?? optional('expectedStatus', 100, 599) ?? timing();
    case 'tcp':
      return notTaken(hc, kind, ['path', 'expectedStatus', 'command']) ?? timing();
    case 'command':
      return notTaken(hc, kind, ['path', 'expectedStatus']) ?? checkCommand(hc.command) ?? timing();
    default: {
      const _exhaustive: never = kind;
      return DomainError.invalid(
        at('kind'),
        `must be one of ${HEALTH_CHECK_KINDS.join(', ')}, got ${String(_exhaustive)}`,
      );
    }
  }
}

/** normalizeHealthCheck turns a checked health check into the shape events carry: only the fields its kind uses, defaults filled. */
export function normalizeHealthCheck(hc: HealthCheckFields): HealthCheck {
  const d = HEALTH_CHECK_DEFAULTS;
  const timing = {
    intervalMs: hc.intervalMs ?? d.intervalMs,
    timeoutMs: hc.timeoutMs ?? d.timeoutMs,
    gracePeriodMs: hc.gracePeriodMs ?? d.gracePeriodMs,
    unhealthyThreshold: hc.unhealthyThreshold ?? d.unhealthyThreshold,
    healthyThreshold: hc.healthyThreshold ?? d.healthyThreshold,
  };
  const kind = hc.kind as HealthCheck['kind'];
  switch (kind) {
    case 'http':
      return { kind, path: hc.path!, expectedStatus: hc.expectedStatus ?? d.expectedStatus, ...timing };
    case 'tcp':
      return { kind, ...timing };
    case 'command':
      return { kind, command: [...hc.command!], ...timing };
    default: {
      const _exhaustive: never = kind;
      throw new Error(`unchecked health check kind ${String(_exhaustive)}`);
    }
  }
}

/** describeHealthCheck is a short readable form of a check, for messages: `HTTP GET /healthz`, `TCP connect`, `command sh -c …`. */
export function describeHealthCheck(hc: HealthCheck): string {
  switch (hc.kind) {
    case 'http':
      return `HTTP GET ${hc.path}`;
    case 'tcp':
      return 'TCP connect';
    case 'command':
      return `command ${hc.command.join(' ')}`;
    default: {
      const _exhaustive: never = hc;
      return _exhaustive;
    }
  }
}

function checkPath(path: unknown): DomainError | null {
  if (typeof path !== 'string' || path === '')
    return DomainError.invalid('healthCheck.path', 'is required for an http check');
  return PATH.test(path)
    ? null
    : DomainError.invalid(
        'healthCheck.path',
        `"${path}" must start with / and hold no spaces or control characters (at most 2048 characters)`,
      );
}

function checkCommand(command: unknown): DomainError | null {
  if (!Array.isArray(command) || command.length === 0)
    return DomainError.invalid('healthCheck.command', 'is required for a command check: the program and its arguments');
  if (command.length > MAX_ARGS)
    return DomainError.invalid('healthCheck.command', `at most ${MAX_ARGS} arguments, got ${command.length}`);
  const bad = command.findIndex((a) => typeof a !== 'string' || a.length > MAX_ARG_LENGTH || a.includes('\u0000'));
  if (bad >= 0)
    return DomainError.invalid(
      `healthCheck.command[${bad}]`,
      `must be a string of at most ${MAX_ARG_LENGTH} characters without NUL`,
    );
  if (command[0] === '')
    return DomainError.invalid('healthCheck.command[0]', 'names the program to run and cannot be empty');
  return null;
}

function notTaken(
  hc: HealthCheckFields,
  kind: string,
  fields: readonly (keyof HealthCheckFields)[],
): DomainError | null {
  const extra = fields.find((f) => hc[f] != null);
  return extra ? DomainError.invalid(`healthCheck.${extra}`, `a ${kind} check takes no ${extra}`) : null;
}
