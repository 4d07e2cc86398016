import { Resources } from '@mammoth/events';
import { request, working } from '../../testing/scheduler';
import { reserve } from '../working';
import { cpuFilter, diskFilter, fitsDimension, memoryFilter } from './resources.filter';

const CAPACITY: Resources = { cpuMillis: 1000, memoryMiB: 1024, diskMiB: 100 };
const none: Resources = { cpuMillis: 0, memoryMiB: 0, diskMiB: 0 };

describe('fitsDimension', () => {
  it.each([
    [100, 0, 100, true],
    [101, 0, 100, false],
    [50, 50, 100, true],
    [51, 50, 100, false],
    [0, 100, 100, true],
    [1, 100, 100, false],
    [0, 0, 0, true],
  ])('requested %i beside %i allocated of %i fits: %s', (requested, allocated, capacity, expected) => {
    expect(fitsDimension(requested, allocated, capacity)).toBe(expected);
  });
});

describe('cpu, memory and disk filters', () => {
  it.each([
    ['an exact fit', { cpuMillis: 1000, memoryMiB: 1024, diskMiB: 100 }, none, [true, true, true]],
    ['too much cpu', { cpuMillis: 1001, memoryMiB: 1, diskMiB: 1 }, none, [false, true, true]],
    ['too much memory', { cpuMillis: 1, memoryMiB: 1025, diskMiB: 1 }, none, [true, false, true]],
    ['too much disk', { cpuMillis: 1, memoryMiB: 1, diskMiB: 101 }, none, [true, true, false]],
    ['a full node', { cpuMillis: 1, memoryMiB: 1, diskMiB: 1 }, CAPACITY, [false, false, false]],
    [
      'a half-full node',
      { cpuMillis: 500, memoryMiB: 600, diskMiB: 50 },
      { cpuMillis: 500, memoryMiB: 500, diskMiB: 50 },
      [true, false, true],
    ],
  ] as const)('%s', (_label, resources, allocated, [cpu, mem, disk]) => {
    const n = working({ capacity: CAPACITY, allocated });
    const req = request({ resources });
    expect([cpuFilter.fits(req, n), memoryFilter.fits(req, n), diskFilter.fits(req, n)]).toEqual([cpu, mem, disk]);
  });

  it('checks the working allocation (what the plan added), not only the snapshot', () => {
    const n = working({ capacity: CAPACITY, allocated: none });
    reserve(n, 'other', { cpuMillis: 900, memoryMiB: 0, diskMiB: 0 });
    expect(cpuFilter.fits(request({ resources: { cpuMillis: 200, memoryMiB: 0, diskMiB: 0 } }), n)).toBe(false);
    expect(cpuFilter.fits(request({ resources: { cpuMillis: 100, memoryMiB: 0, diskMiB: 0 } }), n)).toBe(true);
  });

  it('names each dimension in its reason', () => {
    expect([cpuFilter.reason, memoryFilter.reason, diskFilter.reason]).toEqual([
      'cpu exhausted',
      'memory exhausted',
      'disk exhausted',
    ]);
    expect(new Set([cpuFilter.name, memoryFilter.name, diskFilter.name]).size).toBe(3);
  });
});
