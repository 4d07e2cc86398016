import { fromWireHealthCheck, WireHealthCheck } from './wire-health-check';

const timing = { intervalMs: 1000, timeoutMs: 500, gracePeriodMs: 0, unhealthyThreshold: 2, healthyThreshold: 1 };
const wire = (over: Partial<WireHealthCheck>): WireHealthCheck => ({
  kind: 'TCP',
  path: null,
  expectedStatus: null,
  command: null,
  ...timing,
  ...over,
});

describe('fromWireHealthCheck', () => {
  it.each([
    [
      'HTTP',
      wire({ kind: 'HTTP', path: '/healthz', expectedStatus: 204 }),
      { kind: 'http', path: '/healthz', expectedStatus: 204, ...timing },
    ],
    ['TCP', wire({ kind: 'TCP' }), { kind: 'tcp', ...timing }],
    [
      'COMMAND',
      wire({ kind: 'COMMAND', command: ['/bin/true'] }),
      { kind: 'command', command: ['/bin/true'], ...timing },
    ],
  ])('maps a %s check onto the domain, keeping only its fields', (_kind, w, expected) => {
    expect(fromWireHealthCheck(w)).toEqual(expected);
  });

  it('leaves an absent check absent and refuses an unknown kind', () => {
    expect(fromWireHealthCheck(null)).toBeUndefined();
    expect(() => fromWireHealthCheck(wire({ kind: 'GRPC' }))).toThrow('unknown health check kind GRPC');
  });
});
