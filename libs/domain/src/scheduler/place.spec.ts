import { Resources } from '@mammoth/events';
import seedrandom from 'seedrandom';
import { DEFAULT_FILTERS } from './pipeline';
import { place } from './place';
import { countRejections, exceedsEveryNode, formatReasons } from './reasons';
import { NodeCandidate, PlacementRequest } from './types';
import { workingNode } from './working';

const SHAPE: Resources = { cpuMillis: 1000, memoryMiB: 1024, diskMiB: 10 };
const ZERO: Resources = { cpuMillis: 0, memoryMiB: 0, diskMiB: 0 };

function node(id: string, over: Partial<NodeCandidate> = {}): NodeCandidate {
  return {
    id,
    address: `host-${id}`,
    status: 'ready',
    capacity: { cpuMillis: 4000, memoryMiB: 4096, diskMiB: 1000 },
    allocated: ZERO,
    usedPorts: new Set(),
    portRange: { from: 20000, to: 20099 },
    labels: {},
    appCounts: new Map(),
    ...over,
  };
}
const request = (
  count: number,
  strategy: PlacementRequest['strategy'] = 'spread',
  resources = SHAPE,
): PlacementRequest => ({ app: 'web', resources, count, strategy });
const rng = () => seedrandom('seed');
const countBy = (ids: string[]) => ids.reduce((m, id) => m.set(id, (m.get(id) ?? 0) + 1), new Map<string, number>());

describe('place', () => {
  it('is deterministic for a pinned seed', () => {
    const nodes = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => node(id));
    const first = place(request(5), nodes, { rng: rng() });
    const second = place(request(5), nodes, { rng: rng() });
    expect(second).toEqual(first);
    expect(first.unplaced).toBe(0);
    // Pinned: a change to the shuffle or the visiting order shows up here.
    expect(first.placements.map((p) => p.nodeId)).toEqual(['f', 'c', 'b', 'a', 'e']);
  });

  it('visits nodes in a seeded random order', () => {
    const nodes = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((id) => node(id));
    const firstChoice = new Set(
      Array.from({ length: 20 }, (_, i) => place(request(1), nodes, { rng: seedrandom(`s${i}`) }).placements[0].nodeId),
    );
    expect(firstChoice.size).toBeGreaterThan(1);
  });

  it('spread picks the emptiest node, bin-pack the fullest', () => {
    const nodes = [
      node('empty'),
      node('half', { allocated: { cpuMillis: 2000, memoryMiB: 2048, diskMiB: 0 } }),
      node('quarter', { allocated: { cpuMillis: 1000, memoryMiB: 1024, diskMiB: 0 } }),
    ];
    for (let s = 0; s < 10; s++) {
      expect(
        place(request(1, 'spread'), nodes, { rng: seedrandom(`s${s}`), candidateLimit: 0 }).placements.map(
          (p) => p.nodeId,
        ),
      ).toEqual(['empty']);
      expect(
        place(request(1, 'binpack'), nodes, { rng: seedrandom(`s${s}`), candidateLimit: 0 }).placements.map(
          (p) => p.nodeId,
        ),
      ).toEqual(['half']);
    }
  });

  it('spread puts one instance on each of several equal nodes', () => {
    const nodes = ['a', 'b', 'c', 'd'].map((id) => node(id));
    const plan = place(request(4, 'spread'), nodes, { rng: rng() });
    expect([...countBy(plan.placements.map((p) => p.nodeId)).values()]).toEqual([1, 1, 1, 1]);
  });

  it('bin-pack fills one node before the next', () => {
    const nodes = ['a', 'b', 'c', 'd'].map((id) => node(id));
    const plan = place(request(6, 'binpack'), nodes, { rng: rng(), candidateLimit: 0 });
    expect([...countBy(plan.placements.map((p) => p.nodeId)).values()].sort()).toEqual([2, 4]);
  });

  it('gives each instance on a node the lowest free port, never the same one twice', () => {
    const plan = place(request(4, 'binpack'), [node('a', { usedPorts: new Set([20000, 20002]) })], { rng: rng() });
    expect(plan.placements).toEqual([
      { nodeId: 'a', host: 'host-a', port: 20001 },
      { nodeId: 'a', host: 'host-a', port: 20003 },
      { nodeId: 'a', host: 'host-a', port: 20004 },
      { nodeId: 'a', host: 'host-a', port: 20005 },
    ]);
  });

  it("stops at a node's port range and explains it", () => {
    const tiny = { cpuMillis: 1, memoryMiB: 1, diskMiB: 0 };
    const plan = place(request(4, 'spread', tiny), [node('a', { portRange: { from: 30000, to: 30002 } })], {
      rng: rng(),
    });
    expect(plan.placements.map((p) => p.port)).toEqual([30000, 30001, 30002]);
    expect(plan.unplaced).toBe(1);
    expect(plan.reasons).toEqual([{ reason: 'ports exhausted', nodes: 1 }]);
  });

  it('places what fits and counts the rest as unplaced', () => {
    const plan = place(request(10), [node('a'), node('b')], { rng: rng() }); // 4 of SHAPE per node
    expect(plan.placements).toHaveLength(8);
    expect(plan.unplaced).toBe(2);
    expect(plan.reasons).toEqual([{ reason: 'cpu exhausted', nodes: 2 }]);
  });

  it('counts each node once, against the first filter it fails', () => {
    const full = { cpuMillis: 0, memoryMiB: 4096, diskMiB: 0 };
    const nodes = [
      node('m1', { allocated: full }),
      node('m2', { allocated: full }),
      node('m3', { allocated: full }),
      node('lost', { status: 'lost', allocated: full }), // also out of memory, but not ready comes first
    ];
    const plan = place(request(3), nodes, { rng: rng() });
    expect(plan).toEqual({
      placements: [],
      unplaced: 3,
      reasons: [
        { reason: 'memory exhausted', nodes: 3 },
        { reason: 'node not ready', nodes: 1 },
      ],
    });
    expect(formatReasons(plan.reasons)).toBe('3 nodes: memory exhausted; 1 node: node not ready');
  });

  it('says so when there are no nodes', () => {
    const plan = place(request(2), [], { rng: rng() });
    expect(plan).toEqual({ placements: [], unplaced: 2, reasons: [{ reason: 'no nodes registered', nodes: 0 }] });
  });

  it('uses the filters it is given', () => {
    const lost = [node('a', { status: 'lost' })];
    expect(place(request(1), lost, { rng: rng() }).unplaced).toBe(1);
    expect(
      place(request(1), lost, { rng: rng(), filters: DEFAULT_FILTERS.filter((f) => f.name !== 'node-status') })
        .placements,
    ).toHaveLength(1);
  });
});

describe('countRejections and formatReasons', () => {
  it('sorts by node count, then by reason', () => {
    const nodes = [
      node('d1', { status: 'draining' }),
      node('d2', { status: 'lost' }),
      node('disk', { allocated: { cpuMillis: 0, memoryMiB: 0, diskMiB: 1000 } }),
      node('cpu', { allocated: { cpuMillis: 4000, memoryMiB: 0, diskMiB: 0 } }),
      node('ok'),
    ].map(workingNode);
    const reasons = countRejections(DEFAULT_FILTERS, request(1), nodes);
    expect(reasons).toEqual([
      { reason: 'node not ready', nodes: 2 },
      { reason: 'cpu exhausted', nodes: 1 },
      { reason: 'disk exhausted', nodes: 1 },
    ]);
    expect(formatReasons(reasons)).toBe('2 nodes: node not ready; 1 node: cpu exhausted; 1 node: disk exhausted');
  });

  it.each([
    [[], ''],
    [[{ reason: 'ports exhausted', nodes: 1 }], '1 node: ports exhausted'],
    [[{ reason: 'no nodes registered', nodes: 0 }], '0 nodes: no nodes registered'],
  ])('formats %j as %j', (reasons, text) => {
    expect(formatReasons(reasons)).toBe(text);
  });
});

describe('exceedsEveryNode', () => {
  const nodes = [node('a'), node('b', { capacity: { cpuMillis: 16000, memoryMiB: 2048, diskMiB: 500 } })];
  it.each([
    [{ cpuMillis: 16000, memoryMiB: 4096, diskMiB: 1000 }, []],
    [
      { cpuMillis: 16001, memoryMiB: 1, diskMiB: 0 },
      ["cpu 16001 millicores exceeds the largest node's 16000 millicores"],
    ],
    [
      { cpuMillis: 1, memoryMiB: 4097, diskMiB: 1001 },
      ["memory 4097 MiB exceeds the largest node's 4096 MiB", "disk 1001 MiB exceeds the largest node's 1000 MiB"],
    ],
  ])('%j -> %j', (resources, expected) => {
    expect(exceedsEveryNode({ resources }, nodes)).toEqual(expected);
  });
});
