import { HealthCheck, makeEvent } from '@mammoth/events';
import { spec } from '../testing/given-when-then';
import { AppSpec, decideApp, evolveApp, initialAppState } from './app';
import { describeHealthCheck, HEALTH_CHECK_DEFAULTS, HealthCheckFields } from './health-check';

const decider = { initialState: initialAppState, evolve: evolveApp, decide: decideApp };
const PKG = {
  name: 'web',
  version: '1.0.0',
  digest: `sha256:${'a'.repeat(64)}`,
  format: 'image' as const,
  imageRef: 'mammoth/web:1.0.0',
};
const base: AppSpec = {
  name: 'web',
  package: PKG,
  instances: 1,
  resources: { cpuMillis: 100, memoryMiB: 64, diskMiB: 0 },
  env: {},
  constraints: [],
  strategy: 'spread',
};
/** deploy builds a DeployApp whose health check arrives loosely, as the API hands it over. */
const deploy = (healthCheck: HealthCheckFields | undefined, over: Partial<AppSpec> = {}) => ({
  type: 'DeployApp' as const,
  spec: { ...base, ...over, healthCheck: healthCheck as unknown as HealthCheck },
});
const { expectedStatus: _s, ...timing } = HEALTH_CHECK_DEFAULTS;

describe('app decider: health checks and restart policy', () => {
  it('records an HTTP check with every default filled in', () => {
    const check = { kind: 'http' as const, path: '/healthz', expectedStatus: 200, ...timing };
    spec(decider)
      .given([])
      .when(deploy({ kind: 'http', path: '/healthz' }))
      .then([makeEvent('AppDeployed', { ...base, healthCheck: check })]);
  });

  it('records a TCP and a command check, keeping what the operator set', () => {
    const tcp = { kind: 'tcp' as const, ...timing, intervalMs: 250, unhealthyThreshold: 2 };
    spec(decider)
      .given([])
      .when(deploy({ kind: 'tcp', intervalMs: 250, unhealthyThreshold: 2 }))
      .then([makeEvent('AppDeployed', { ...base, healthCheck: tcp })]);
    const command = ['/bin/sh', '-c', 'test -f /www/index.html'];
    const cmd = { kind: 'command' as const, command, ...timing, gracePeriodMs: 0 };
    spec(decider)
      .given([])
      .when(deploy({ kind: 'command', command, gracePeriodMs: 0 }))
      .then([makeEvent('AppDeployed', { ...base, healthCheck: cmd })]);
  });

  it('records no check and no restart policy when none is given (the defaults apply when read)', () => {
    spec(decider)
      .given([])
      .when(deploy(undefined))
      .then([makeEvent('AppDeployed', base)]);
  });

  it('records a restart policy', () => {
    const event = makeEvent('AppDeployed', { ...base, maxRestarts: 0, restartWindowMs: 60000 });
    spec(decider)
      .given([])
      .when(deploy(undefined, { maxRestarts: 0, restartWindowMs: 60000 }))
      .then([event]);
  });

  it.each([
    ['an unknown kind', { kind: 'grpc' }, 'healthCheck.kind'],
    ['an http check without a path', { kind: 'http' }, 'healthCheck.path'],
    ['a relative path', { kind: 'http', path: 'healthz' }, 'healthCheck.path'],
    ['a path with a space', { kind: 'http', path: '/health z' }, 'healthCheck.path'],
    ['an impossible status', { kind: 'http', path: '/', expectedStatus: 99 }, 'healthCheck.expectedStatus'],
    ['a command on an http check', { kind: 'http', path: '/', command: ['true'] }, 'healthCheck.command'],
    ['a path on a tcp check', { kind: 'tcp', path: '/' }, 'healthCheck.path'],
    [
      'a status on a command check',
      { kind: 'command', command: ['true'], expectedStatus: 200 },
      'healthCheck.expectedStatus',
    ],
    ['a command check without a command', { kind: 'command' }, 'healthCheck.command'],
    ['an empty command', { kind: 'command', command: [] }, 'healthCheck.command'],
    ['an empty program', { kind: 'command', command: [''] }, 'healthCheck.command[0]'],
    ['a NUL in an argument', { kind: 'command', command: ['sh', 'a\u0000b'] }, 'healthCheck.command[1]'],
    ['too short an interval', { kind: 'tcp', intervalMs: 99 }, 'healthCheck.intervalMs'],
    ['a fractional timeout', { kind: 'tcp', timeoutMs: 1.5 }, 'healthCheck.timeoutMs'],
    ['a negative grace period', { kind: 'tcp', gracePeriodMs: -1 }, 'healthCheck.gracePeriodMs'],
    ['a zero unhealthy threshold', { kind: 'tcp', unhealthyThreshold: 0 }, 'healthCheck.unhealthyThreshold'],
    ['too high a healthy threshold', { kind: 'tcp', healthyThreshold: 101 }, 'healthCheck.healthyThreshold'],
  ] as const)('refuses %s, naming the field and writing nothing', (_label, check, field) => {
    const err = spec(decider).given([]).when(deploy(check)).thenError('INVALID_ARGUMENT', field);
    expect(err.message.startsWith(`${field}:`)).toBe(true);
  });

  it.each([
    ['negative maxRestarts', { maxRestarts: -1 }, 'maxRestarts'],
    ['too many maxRestarts', { maxRestarts: 101 }, 'maxRestarts'],
    ['too short a restart window', { restartWindowMs: 999 }, 'restartWindowMs'],
  ] as const)('refuses %s, naming the field', (_label, over, field) => {
    spec(decider).given([]).when(deploy(undefined, over)).thenError('INVALID_ARGUMENT', field);
  });

  it('keeps the check in the app state, so every placement carries it', () => {
    const s = evolveApp(
      initialAppState(),
      makeEvent('AppDeployed', { ...base, healthCheck: { kind: 'tcp', ...timing } }),
    );
    expect(s.status === 'active' && s.spec.healthCheck).toEqual({ kind: 'tcp', ...timing });
  });

  it('describes each kind of check readably', () => {
    expect(describeHealthCheck({ kind: 'http', path: '/healthz', expectedStatus: 200, ...timing })).toBe(
      'HTTP GET /healthz',
    );
    expect(describeHealthCheck({ kind: 'tcp', ...timing })).toBe('TCP connect');
    expect(describeHealthCheck({ kind: 'command', command: ['sh', '-c', 'true'], ...timing })).toBe(
      'command sh -c true',
    );
  });
});
