import { readinessOf } from './readiness';

describe('readinessOf: a node is ready while its container runtime answers', () => {
  it('is ready up to the limit after the last answer, and not a millisecond past it', () => {
    expect(readinessOf({ lastOkAt: 1000, error: null }, 31_000, 30_000)).toEqual({
      ready: true,
      reconcile: { lastOkAt: '1970-01-01T00:00:01.000Z', error: null },
    });
    expect(readinessOf({ lastOkAt: 1000, error: 'docker list did not answer within 500 ms' }, 31_001, 30_000)).toEqual({
      ready: false,
      reconcile: { lastOkAt: '1970-01-01T00:00:01.000Z', error: 'docker list did not answer within 500 ms' },
    });
  });
});
