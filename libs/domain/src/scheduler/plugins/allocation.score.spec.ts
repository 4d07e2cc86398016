import { Resources } from '@mammoth/events';
import { request, working } from '../../testing/scheduler';
import { reserve } from '../working';
import { leastAllocated, mostAllocated, utilisationAfter } from './allocation.score';

const r = (cpuMillis: number, memoryMiB: number): Resources => ({ cpuMillis, memoryMiB, diskMiB: 0 });

describe('utilisationAfter', () => {
  it.each([
    ['an empty node, nothing requested', r(0, 0), r(0, 0), r(1000, 1000), 0],
    ['half of cpu only', r(500, 0), r(0, 0), r(1000, 1000), 0.25],
    ['half of both', r(250, 250), r(250, 250), r(1000, 1000), 0.5],
    ['a full node', r(0, 0), r(1000, 1000), r(1000, 1000), 1],
    ['uneven capacities', r(100, 512), r(100, 512), r(400, 2048), 0.5],
    ['zero capacity counts as full', r(0, 0), r(0, 0), r(0, 0), 1],
  ])('%s', (_label, requested, allocated, capacity, expected) => {
    expect(utilisationAfter(requested, allocated, capacity)).toBeCloseTo(expected, 10);
  });
});

describe('allocation scorers', () => {
  const req = request({ resources: r(100, 100) });
  const at = (allocated: Resources) => working({ capacity: r(1000, 1000), allocated });
  const [empty, half, nearlyFull] = [at(r(0, 0)), at(r(500, 500)), at(r(800, 800))];

  it('least-allocated (spread) prefers the emptier node', () => {
    const scores = [empty, half, nearlyFull].map((n) => leastAllocated.score(req, n));
    expect(scores[0]).toBeGreaterThan(scores[1]);
    expect(scores[1]).toBeGreaterThan(scores[2]);
    expect(scores[0]).toBeCloseTo(0.9, 10);
  });

  it('most-allocated (bin-pack) prefers the fuller node', () => {
    const scores = [empty, half, nearlyFull].map((n) => mostAllocated.score(req, n));
    expect(scores[2]).toBeGreaterThan(scores[1]);
    expect(scores[1]).toBeGreaterThan(scores[0]);
    expect(scores[2]).toBeCloseTo(0.9, 10);
  });

  it('scores the working allocation, so a node the plan filled loses its spread advantage', () => {
    const n = at(r(0, 0));
    reserve(n, 'other', r(900, 900));
    expect(leastAllocated.score(req, n)).toBeCloseTo(0, 10);
    expect(mostAllocated.score(req, n)).toBeCloseTo(1, 10);
  });
});
