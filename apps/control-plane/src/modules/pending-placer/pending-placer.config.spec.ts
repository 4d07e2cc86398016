import { parseConfig } from '@mammoth/platform';
import { pendingPlacerConfig } from './pending-placer.config';

describe('pendingPlacerConfig', () => {
  it('defaults to a 500 ms watch, a 5 s sweep and 250 ms of jitter; a 0 sweep turns the placer off', () => {
    expect(parseConfig(pendingPlacerConfig, {})).toEqual({ watchMs: 500, sweepMs: 5000, jitterMs: 250 });
    expect(parseConfig(pendingPlacerConfig, { PENDING_SWEEP_MS: '0' }).sweepMs).toBe(0);
  });

  it.each([
    [{ PENDING_WATCH_MS: '0' }, /PENDING_WATCH_MS/],
    [{ PENDING_SWEEP_MS: '-5' }, /PENDING_SWEEP_MS/],
    [{ PENDING_JITTER_MS: 'some' }, /PENDING_JITTER_MS/],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => parseConfig(pendingPlacerConfig, env)).toThrow(message);
  });
});
