import { Constraint } from '@mammoth/events';
import seedrandom from 'seedrandom';
import { candidate } from '../testing/scheduler';
import { place, planMany } from './place';
import { formatReasons } from './reasons';
import { NodeCandidate, PlacementRequest } from './types';

const SMALL = { cpuMillis: 100, memoryMiB: 100, diskMiB: 0 };
const req = (over: Partial<PlacementRequest>): PlacementRequest => ({
  app: 'web',
  resources: SMALL,
  count: 1,
  strategy: 'spread',
  ...over,
});
const racks = (perRack: number, names: string[]): NodeCandidate[] =>
  names.flatMap((rack) =>
    Array.from({ length: perRack }, (_, i) =>
      candidate(`${rack}${i}`, { labels: { rack, zone: i % 2 ? 'z1' : 'z2' } }),
    ),
  );
const countBy = <T>(xs: T[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<T, number>());
const rackOf = (nodes: NodeCandidate[]) => (nodeId: string) => nodes.find((n) => n.id === nodeId)!.labels.rack;

describe('place with constraints', () => {
  const nodes = racks(3, ['a', 'b', 'c']);

  it('keeps to nodes that pass a label constraint', () => {
    const plan = place(
      req({ count: 6, constraints: [{ kind: 'label', key: 'rack', op: 'in', values: ['a', 'c'] }] }),
      nodes,
      { rng: seedrandom('x') },
    );
    expect(plan.unplaced).toBe(0);
    expect(new Set(plan.placements.map((p) => rackOf(nodes)(p.nodeId)))).toEqual(new Set(['a', 'c']));
  });

  it('reports each unmet constraint under its own reason, counting each node against the first it fails', () => {
    const constraints: Constraint[] = [
      { kind: 'label', key: 'rack', op: 'in', values: ['a', 'b'] },
      { kind: 'label', key: 'zone', op: 'equals', values: ['z9'] },
    ];
    const plan = place(req({ count: 2, constraints }), nodes, { rng: seedrandom('x') });
    expect(plan.unplaced).toBe(2);
    expect(formatReasons(plan.reasons)).toBe(
      '6 nodes: constraint zone=z9 not met; 3 nodes: constraint rack in (a,b) not met',
    );
  });

  it('puts at most one instance per node under unique, and says why the rest wait', () => {
    const plan = place(req({ count: 11, constraints: [{ kind: 'unique' }] }), nodes, {
      rng: seedrandom('x'),
      candidateLimit: 0,
    });
    expect(plan.placements).toHaveLength(9);
    expect(new Set(plan.placements.map((p) => p.nodeId)).size).toBe(9);
    expect(plan).toMatchObject({ unplaced: 2, reasons: [{ reason: 'constraint unique not met', nodes: 9 }] });
  });

  it('counts instances already on a node against unique', () => {
    const busy = nodes.map((n, i) => (i < 8 ? { ...n, appCounts: new Map([['web', 1]]) } : n));
    const plan = place(req({ count: 2, constraints: [{ kind: 'unique' }] }), busy, { rng: seedrandom('x') });
    expect(plan.placements.map((p) => p.nodeId)).toEqual([busy[8].id]);
  });

  it('spreads over racks with max-per, ⌈n/racks⌉ each by default, where bin-pack alone would fill one rack', () => {
    const quarter = { cpuMillis: 1000, memoryMiB: 1024, diskMiB: 0 };
    const perRack = (constraints: PlacementRequest['constraints']) => {
      const plan = place(req({ count: 7, resources: quarter, strategy: 'binpack', constraints }), nodes, {
        rng: seedrandom('y'),
        candidateLimit: 0,
      });
      expect(plan.unplaced).toBe(0);
      return Math.max(...countBy(plan.placements.map((p) => rackOf(nodes)(p.nodeId))).values());
    };
    expect(perRack([])).toBeGreaterThan(3);
    expect(perRack([{ kind: 'max-per', key: 'rack' }])).toBe(3);
  });

  it('stops at an explicit max-per and explains it', () => {
    const plan = place(req({ count: 5, constraints: [{ kind: 'max-per', key: 'rack', max: 1 }] }), nodes, {
      rng: seedrandom('y'),
    });
    expect(plan.placements).toHaveLength(3);
    expect(countBy(plan.placements.map((p) => rackOf(nodes)(p.nodeId))).size).toBe(3);
    expect(plan.reasons).toEqual([{ reason: 'constraint at most 1 per rack not met', nodes: 9 }]);
  });

  it('anti-affinity tips spread away from a node that already runs the app', () => {
    const withWeb = candidate('with-web', { appCounts: new Map([['web', 1]]) });
    const fuller = candidate('fuller', { allocated: { cpuMillis: 400, memoryMiB: 400, diskMiB: 0 } });
    const go = (antiAffinity: number) =>
      place(req({ desired: 2 }), [withWeb, fuller], {
        rng: seedrandom('z'),
        candidateLimit: 0,
        weights: { allocation: 1, antiAffinity },
      });
    expect(go(0.5).placements.map((p) => p.nodeId)).toEqual(['fuller']);
    expect(go(0).placements.map((p) => p.nodeId)).toEqual(['with-web']);
  });
});

describe('planMany', () => {
  const nodes = racks(2, ['a', 'b']);

  it('lets later requests see earlier placements, and never writes the snapshot', () => {
    const before = JSON.stringify(nodes, (_k, v) => (v instanceof Set || v instanceof Map ? [...v] : v));
    const big = { cpuMillis: 4000, memoryMiB: 100, diskMiB: 0 };
    const plans = planMany(
      [req({ app: 'one', resources: big, count: 3 }), req({ app: 'two', resources: big, count: 3 })],
      nodes,
      { rng: seedrandom('m') },
    );
    expect(plans.map((p) => [p.placements.length, p.unplaced])).toEqual([
      [3, 0],
      [1, 2],
    ]);
    expect(plans[1].reasons).toEqual([{ reason: 'cpu exhausted', nodes: 4 }]);
    const used = [...plans[0].placements, ...plans[1].placements].map((p) => p.nodeId);
    expect(new Set(used).size).toBe(4);
    expect(JSON.stringify(nodes, (_k, v) => (v instanceof Set || v instanceof Map ? [...v] : v))).toBe(before);
  });

  it("counts another app's placements toward ports, and the same app's toward unique", () => {
    const one = [candidate('solo', { portRange: { from: 30000, to: 30002 } })];
    const plans = planMany(
      [
        req({ app: 'x', count: 2 }),
        req({ app: 'y', count: 2 }),
        req({ app: 'x', count: 1, constraints: [{ kind: 'unique' }] }),
      ],
      one,
      { rng: seedrandom('p') },
    );
    expect(plans.map((p) => p.placements.map((x) => x.port))).toEqual([[30000, 30001], [30002], []]);
    expect(plans[1].reasons).toEqual([{ reason: 'ports exhausted', nodes: 1 }]);
    expect(plans[2].reasons).toEqual([{ reason: 'ports exhausted', nodes: 1 }]);
  });

  it('is deterministic for a pinned seed', () => {
    const reqs = [req({ app: 'p', count: 3 }), req({ app: 'q', count: 2, strategy: 'binpack' })];
    expect(planMany(reqs, nodes, { rng: seedrandom('d') })).toEqual(planMany(reqs, nodes, { rng: seedrandom('d') }));
  });
});
