import { parseConfig } from '@mammoth/platform';
import { schedulerSeedConfig } from './scheduler.config';

describe('schedulerSeedConfig', () => {
  it('takes SCHEDULER_SEED, else a seed of this process and its start', () => {
    expect(parseConfig(schedulerSeedConfig, { SCHEDULER_SEED: 'pinned' })).toBe('pinned');
    expect(parseConfig(schedulerSeedConfig, {})).toMatch(new RegExp(`^${process.pid}-\\d+$`));
    expect(() => parseConfig(schedulerSeedConfig, { SCHEDULER_SEED: '' })).toThrow(/SCHEDULER_SEED/);
  });
});
