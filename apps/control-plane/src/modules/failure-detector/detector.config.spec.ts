import { loadDetectorConfig } from './detector.config';

describe('loadDetectorConfig', () => {
  it('defaults to a 5 s loss limit, a 10 min clean-up, 10 s more grace after a channel outage and a sweep five times per limit', () => {
    expect(loadDetectorConfig({})).toEqual({
      enabled: true,
      lostAfterMs: 5000,
      gcAfterMs: 600000,
      resumeGraceMs: 10000,
      sweepMs: 1000,
      leaseRetryMs: 1000,
    });
  });

  it('reads the environment', () => {
    const c = loadDetectorConfig({ NODE_LOST_AFTER_MS: '3000', NODE_GC_AFTER_MS: '60000', FAILURE_DETECTOR: 'off' });
    expect(c).toMatchObject({ enabled: false, lostAfterMs: 3000, gcAfterMs: 60000, sweepMs: 600 });
  });

  it('names the variable at fault', () => {
    expect(() => loadDetectorConfig({ NODE_LOST_AFTER_MS: 'soon' })).toThrow(/NODE_LOST_AFTER_MS/);
    expect(() => loadDetectorConfig({ FAILURE_DETECTOR: 'maybe' })).toThrow(/FAILURE_DETECTOR/);
  });
});
