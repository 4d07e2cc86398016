import { parseConfig } from '@mammoth/platform';
import { detectorConfig } from './detector.config';

describe('detectorConfig', () => {
  it('defaults to a 5 s loss limit, a 10 min clean-up, 10 s more grace after a channel outage and a sweep five times per limit', () => {
    expect(parseConfig(detectorConfig, {})).toEqual({
      enabled: true,
      lostAfterMs: 5000,
      gcAfterMs: 600000,
      resumeGraceMs: 10000,
      sweepMs: 1000,
      leaseRetryMs: 1000,
    });
  });

  it('reads the environment', () => {
    const c = parseConfig(detectorConfig, {
      NODE_LOST_AFTER_MS: '3000',
      NODE_GC_AFTER_MS: '60000',
      FAILURE_DETECTOR: 'off',
    });
    expect(c).toMatchObject({ enabled: false, lostAfterMs: 3000, gcAfterMs: 60000, sweepMs: 600 });
  });

  it.each([
    [{ NODE_LOST_AFTER_MS: 'soon' }, /NODE_LOST_AFTER_MS: Expected number/],
    [{ NODE_LOST_AFTER_MS: '-5' }, /NODE_LOST_AFTER_MS: Number must be greater than or equal to 100/],
    [{ FAILURE_DETECTOR: 'maybe' }, /FAILURE_DETECTOR/],
    [{ FAILURE_DETECTOR_SWEEP_MS: '10' }, /FAILURE_DETECTOR_SWEEP_MS/],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => parseConfig(detectorConfig, env)).toThrow(message);
  });
});
