import { fitsOn, whatIf } from './what-if';

const room = (cpuMillis: number, memoryMiB: number, diskMiB: number, freePorts: number) => ({
  free: { cpuMillis, memoryMiB, diskMiB },
  freePorts,
});
const shape = (cpuMillis: number, memoryMiB: number, diskMiB = 0) => ({ cpuMillis, memoryMiB, diskMiB });

describe('fitsOn', () => {
  it.each([
    ['cpu is the tightest', room(2000, 4096, 100, 50), shape(500, 128), 4],
    ['memory is the tightest', room(8000, 300, 100, 50), shape(500, 128), 2],
    ['disk is the tightest', room(8000, 4096, 25, 50), shape(500, 128, 10), 2],
    ['ports are the tightest', room(8000, 4096, 100, 3), shape(500, 128), 3],
    ['a dimension the shape does not ask for does not bound it', room(1000, 4096, 0, 50), shape(250, 0, 0), 4],
    ['a zero shape is bounded by ports alone', room(0, 0, 0, 7), shape(0, 0, 0), 7],
    ['an overcommitted node fits nothing', room(-500, 4096, 100, 50), shape(500, 128), 0],
    ['no free port fits nothing', room(8000, 4096, 100, 0), shape(1, 4), 0],
  ])('%s', (_name, r, s, expected) => {
    expect(fitsOn(r, s)).toBe(expected);
  });
});

describe('whatIf', () => {
  it('sums the nodes that fit some, most room first, and leaves out the nodes that fit none', () => {
    const nodes = [
      { nodeId: 'b', ...room(1000, 4096, 0, 10) },
      { nodeId: 'a', ...room(1000, 4096, 0, 10) },
      { nodeId: 'full', ...room(100, 4096, 0, 10) },
      { nodeId: 'big', ...room(4000, 4096, 0, 10) },
    ];
    expect(whatIf(nodes, shape(500, 64))).toEqual({
      fits: 12,
      nodes: [
        { nodeId: 'big', fits: 8 },
        { nodeId: 'a', fits: 2 },
        { nodeId: 'b', fits: 2 },
      ],
    });
    expect(whatIf([], shape(500, 64))).toEqual({ fits: 0, nodes: [] });
  });
});
