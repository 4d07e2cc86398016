import { request, working } from '../../testing/scheduler';
import { reserve } from '../working';
import { uniqueConstraintFilter, uniqueFilter } from './unique.filter';

const SHAPE = { cpuMillis: 1, memoryMiB: 1, diskMiB: 0 };

describe('uniqueFilter', () => {
  it.each([
    ['a node without the app', new Map<string, number>(), 0, true],
    ['a node running only other apps', new Map([['api', 3]]), 0, true],
    ['a node already running the app', new Map([['web', 1]]), 0, false],
    ['a node the plan already put the app on', new Map<string, number>(), 1, false],
  ])('%s fits: %s', (_label, appCounts, planned, fits) => {
    const n = working({ appCounts });
    for (let i = 0; i < planned; i++) reserve(n, 'web', SHAPE);
    expect(uniqueFilter.fits(request(), n)).toBe(fits);
  });

  it('does not write to the snapshot when the plan places the app', () => {
    const appCounts = new Map([['api', 1]]);
    const n = working({ appCounts });
    reserve(n, 'web', SHAPE);
    expect([...appCounts]).toEqual([['api', 1]]);
  });

  it('is what a unique constraint builds, and explains itself', () => {
    expect(uniqueConstraintFilter.build({ kind: 'unique' }, request(), [])).toBe(uniqueFilter);
    expect(uniqueFilter.reason).toBe('constraint unique not met');
  });
});
