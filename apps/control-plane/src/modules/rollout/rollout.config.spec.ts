import { parseConfig } from '@mammoth/platform';
import { rolloutConfig } from './rollout.config';

describe('rolloutConfig', () => {
  it('defaults to a 2 s drain, a 100 ms watch and a 500 ms sweep, and reads the environment', () => {
    expect(parseConfig(rolloutConfig, {})).toEqual({ drainMs: 2000, watchMs: 100, sweepMs: 500 });
    expect(parseConfig(rolloutConfig, { ROLLOUT_DRAIN_MS: '0', ROLLOUT_SWEEP_MS: '50' })).toEqual({
      drainMs: 0,
      watchMs: 100,
      sweepMs: 50,
    });
  });

  it.each([
    [{ ROLLOUT_DRAIN_MS: '-1' }, /ROLLOUT_DRAIN_MS/],
    [{ ROLLOUT_WATCH_MS: '5' }, /ROLLOUT_WATCH_MS/],
    [{ ROLLOUT_SWEEP_MS: 'often' }, /ROLLOUT_SWEEP_MS/],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => parseConfig(rolloutConfig, env)).toThrow(message);
  });
});
