import { parseConfig } from '@mammoth/platform';
import { instanceRepairConfig } from './instance-repair.config';

describe('instanceRepairConfig', () => {
  it('defaults to on, a 500 ms watch, a 15 s sweep, a day of look-back and a 10 s to 5 min backoff', () => {
    expect(parseConfig(instanceRepairConfig, {})).toEqual({
      enabled: true,
      watchMs: 500,
      sweepMs: 15000,
      startupLookbackMs: 86_400_000,
      backoff: { baseMs: 10_000, maxMs: 300_000, resetAfterMs: 600_000 },
    });
    expect(parseConfig(instanceRepairConfig, { INSTANCE_REPAIR: 'off' }).enabled).toBe(false);
  });

  it.each([
    [{ INSTANCE_REPAIR: 'yes' }, /INSTANCE_REPAIR/],
    [{ INSTANCE_REPAIR_WATCH_MS: '10' }, /INSTANCE_REPAIR_WATCH_MS/],
    [
      { INSTANCE_REPAIR_BACKOFF_MS: '5000', INSTANCE_REPAIR_BACKOFF_MAX_MS: '1000' },
      /INSTANCE_REPAIR_BACKOFF_MAX_MS: must be at least INSTANCE_REPAIR_BACKOFF_MS/,
    ],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => parseConfig(instanceRepairConfig, env)).toThrow(message);
  });
});
