import { microsToTimestamp } from './log-runner';

describe('microsToTimestamp', () => {
  it.each([
    [0n, '1970-01-01T00:00:00.000000Z'],
    [1n, '1970-01-01T00:00:00.000001Z'],
    [999_999n, '1970-01-01T00:00:00.999999Z'],
    [1_796_110_797_193_123n, '2026-12-01T07:39:57.193123Z'],
    [1_796_110_797_000_007n, '2026-12-01T07:39:57.000007Z'],
  ])('%p µs is %s', (micros, iso) => {
    expect(microsToTimestamp(micros)).toBe(iso);
  });
});
