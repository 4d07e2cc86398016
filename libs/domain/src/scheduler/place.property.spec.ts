import fc from 'fast-check';
import { AppEvent, Constraint, makeEvent, Resources } from '@mammoth/events';
import seedrandom from 'seedrandom';
import { AppState, evolveApp, initialAppState } from '../app/app';
import { scheduleApp } from '../app/schedule';
import { evolveNode, NodeState } from '../node/node';
import {
  buildCluster,
  candidates,
  clusterArb,
  constraintsArb,
  labelHolds,
  PKG,
  Registered,
  shapeArb,
  uuidFrom,
} from '../testing/cluster';
import { place, planMany } from './place';
import { NodeCandidate, Plan } from './types';

const requestArb = fc.record({
  resources: shapeArb,
  count: fc.integer({ min: 0, max: 40 }),
  strategy: fc.constantFrom<'spread' | 'binpack'>('spread', 'binpack'),
  constraints: constraintsArb,
  candidateLimit: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
  seed: fc.string(),
});

/** checkCapacity asserts (a): the snapshot plus every plan's placements stays within each node's capacity and port range. */
function checkCapacity(nodes: readonly NodeCandidate[], plans: { plan: Plan; resources: Resources }[]): void {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const added = new Map<string, { cpu: number; mem: number; disk: number; ports: number[] }>();
  for (const { plan, resources } of plans) {
    for (const p of plan.placements) {
      const n = byId.get(p.nodeId)!;
      expect(n).toBeDefined();
      expect(n.status).toBe('ready');
      expect(p.host).toBe(n.address);
      const a = added.get(p.nodeId) ?? { cpu: 0, mem: 0, disk: 0, ports: [] };
      added.set(p.nodeId, {
        cpu: a.cpu + resources.cpuMillis,
        mem: a.mem + resources.memoryMiB,
        disk: a.disk + resources.diskMiB,
        ports: [...a.ports, p.port],
      });
    }
  }
  for (const [id, a] of added) {
    const n = byId.get(id)!;
    expect(n.allocated.cpuMillis + a.cpu).toBeLessThanOrEqual(n.capacity.cpuMillis);
    expect(n.allocated.memoryMiB + a.mem).toBeLessThanOrEqual(n.capacity.memoryMiB);
    expect(n.allocated.diskMiB + a.disk).toBeLessThanOrEqual(n.capacity.diskMiB);
    // No port twice on a node, none already held, all within the node's range.
    expect(new Set(a.ports).size).toBe(a.ports.length);
    for (const port of a.ports) {
      expect(n.usedPorts.has(port)).toBe(false);
      expect(port).toBeGreaterThanOrEqual(n.portRange.from);
      expect(port).toBeLessThanOrEqual(n.portRange.to);
    }
  }
}

/** checkConstraints asserts (b): after the plan, every constraint of the app holds on every node the plan used. */
function checkConstraints(
  nodes: readonly NodeCandidate[],
  app: string,
  desired: number,
  constraints: readonly Constraint[],
  plan: Plan,
): void {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const placedOn = new Map<string, number>();
  for (const p of plan.placements) placedOn.set(p.nodeId, (placedOn.get(p.nodeId) ?? 0) + 1);
  const total = (n: NodeCandidate) => (n.appCounts.get(app) ?? 0) + (placedOn.get(n.id) ?? 0);
  for (const c of constraints) {
    if (c.kind === 'label') {
      for (const id of placedOn.keys()) expect(labelHolds(c, byId.get(id)!.labels)).toBe(true);
    } else if (c.kind === 'unique') {
      for (const id of placedOn.keys()) expect(total(byId.get(id)!)).toBe(1);
    } else {
      const labels = constraints.filter((x) => x.kind === 'label');
      const eligible = new Set(
        nodes
          .filter((n) => n.status === 'ready' && c.key in n.labels && labels.every((l) => labelHolds(l, n.labels)))
          .map((n) => n.labels[c.key]),
      );
      const max = c.max ?? (eligible.size ? Math.ceil(desired / eligible.size) : desired);
      const perValue = new Map<string, number>();
      for (const n of nodes)
        if (c.key in n.labels) perValue.set(n.labels[c.key], (perValue.get(n.labels[c.key]) ?? 0) + total(n));
      for (const id of placedOn.keys()) {
        const n = byId.get(id)!;
        expect(c.key in n.labels).toBe(true);
        expect(perValue.get(n.labels[c.key])).toBeLessThanOrEqual(max);
      }
    }
  }
}

describe('place: properties over random clusters and requests', () => {
  it('never overcommits a node or reuses a port, always keeps the constraints, and accounts for every instance', () => {
    fc.assert(
      fc.property(clusterArb, requestArb, (specs, r) => {
        const nodes = candidates(buildCluster(specs));
        const existing = nodes.reduce((sum, n) => sum + (n.appCounts.get('web') ?? 0), 0);
        const req = {
          app: 'web',
          resources: r.resources,
          count: r.count,
          desired: existing + r.count,
          strategy: r.strategy,
          constraints: r.constraints,
        };
        const plan = place(req, nodes, { rng: seedrandom(r.seed), candidateLimit: r.candidateLimit });

        // (d) placements + unplaced == requested, and an unplaced instance always comes with reasons.
        expect(plan.placements.length + plan.unplaced).toBe(r.count);
        if (plan.unplaced > 0) expect(plan.reasons.length).toBeGreaterThan(0);
        else expect(plan.reasons).toEqual([]);
        // Every node is counted once when nothing fits: no node can be feasible and unchosen.
        if (plan.unplaced > 0 && nodes.length > 0)
          expect(plan.reasons.reduce((s, x) => s + x.nodes, 0)).toBe(nodes.length);
        checkCapacity(nodes, [{ plan, resources: r.resources }]);
        checkConstraints(nodes, 'web', req.desired, r.constraints, plan);
      }),
      { numRuns: 400 },
    );
  });

  it('max-per and unique bind before capacity does: small instances, default max, still never exceeded', () => {
    const tinyArb = fc.record({
      cpuMillis: fc.integer({ min: 1, max: 50 }),
      memoryMiB: fc.integer({ min: 1, max: 50 }),
      diskMiB: fc.constant(0),
    });
    const bindingArb = fc.constantFrom<Constraint[]>(
      [{ kind: 'max-per', key: 'rack' }],
      [{ kind: 'max-per', key: 'zone' }],
      [{ kind: 'unique' }, { kind: 'max-per', key: 'rack' }],
    );
    fc.assert(
      fc.property(
        clusterArb,
        tinyArb,
        fc.integer({ min: 1, max: 40 }),
        bindingArb,
        fc.string(),
        (specs, resources, count, constraints, seed) => {
          const nodes = candidates(buildCluster(specs));
          const existing = nodes.reduce((sum, n) => sum + (n.appCounts.get('web') ?? 0), 0);
          const req = {
            app: 'web',
            resources,
            count,
            desired: existing + count,
            strategy: 'binpack' as const,
            constraints,
          };
          const plan = place(req, nodes, { rng: seedrandom(seed), candidateLimit: 0 });
          expect(plan.placements.length + plan.unplaced).toBe(count);
          checkConstraints(nodes, 'web', req.desired, constraints, plan);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('planMany keeps every node within capacity across apps, and each app within its constraints', () => {
    const appsArb = fc.array(
      fc.record({
        resources: shapeArb,
        count: fc.integer({ min: 0, max: 15 }),
        strategy: fc.constantFrom<'spread' | 'binpack'>('spread', 'binpack'),
        constraints: constraintsArb,
      }),
      { maxLength: 5 },
    );
    fc.assert(
      fc.property(clusterArb, appsArb, fc.string(), (specs, apps, seed) => {
        const nodes = candidates(buildCluster(specs, { onlyOthers: true }));
        const reqs = apps.map((a, i) => ({ ...a, app: `app${i}`, desired: a.count }));
        const plans = planMany(reqs, nodes, { rng: seedrandom(seed) });
        expect(plans.map((p) => p.placements.length + p.unplaced)).toEqual(reqs.map((r) => r.count));
        checkCapacity(
          nodes,
          plans.map((plan, i) => ({ plan, resources: reqs[i].resources })),
        );
        plans.forEach((plan, i) => checkConstraints(nodes, reqs[i].app, reqs[i].desired, reqs[i].constraints, plan));
      }),
      { numRuns: 200 },
    );
  });

  it('re-planning an unchanged cluster after folding the plan back in writes nothing', () => {
    const strategyArb = fc.constantFrom<'spread' | 'binpack'>('spread', 'binpack');
    const countsArb = fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(
        clusterArb,
        shapeArb,
        countsArb,
        constraintsArb,
        strategyArb,
        fc.boolean(),
        fc.string(),
        (specs, shape, counts, constraints, strategy, remove, seed) => {
          const cluster = buildCluster(specs, { onlyOthers: true });
          const rng = seedrandom(seed);
          const newInstanceId = uuidFrom(2);
          const deployed = makeEvent('AppDeployed', {
            name: 'web',
            package: PKG,
            instances: counts[0],
            resources: shape,
            env: {},
            constraints,
            strategy,
          });
          let app: AppState = evolveApp(initialAppState(), deployed);
          const commands: AppEvent[][] = counts
            .slice(1)
            .map((to, i) => [makeEvent('AppScaled', { name: 'web', from: counts[i], to })]);
          if (remove) commands.push([makeEvent('AppRemoved', { name: 'web' })]);

          const apply = () => {
            const r = scheduleApp(app, candidates(cluster), { rng, newInstanceId });
            app = r.app.reduce(evolveApp, app);
            for (const [nodeId, events] of r.nodes) {
              const before = cluster.states.get(nodeId);
              expect(before).toBeDefined();
              cluster.states.set(nodeId, events.reduce(evolveNode, before as NodeState) as Registered);
            }
            return r;
          };

          for (const step of [[], ...commands]) {
            app = step.reduce(evolveApp, app);
            const first = apply();
            expect(first.app.filter((e) => e.type === 'InstancesPending').length).toBeLessThanOrEqual(1);
            // (c) the same cluster, folded, needs nothing more.
            const again = apply();
            expect(again.app).toEqual([]);
            expect(again.nodes.size).toBe(0);
            // The fold itself keeps every node within capacity, with one port per assignment.
            for (const s of cluster.states.values()) {
              expect(s.allocated.cpuMillis).toBeLessThanOrEqual(s.info.capacity.cpuMillis);
              expect(s.allocated.memoryMiB).toBeLessThanOrEqual(s.info.capacity.memoryMiB);
              expect(s.allocated.diskMiB).toBeLessThanOrEqual(s.info.capacity.diskMiB);
              expect(s.usedPorts.size).toBe(s.assignments.size);
            }
            if (app.status === 'none') throw new Error('app vanished');
            const desired = app.status === 'removed' ? 0 : app.spec.instances;
            expect(app.live.size).toBeLessThanOrEqual(desired);
            expect(app.pending?.count ?? 0).toBe(desired - app.live.size);
            const onNodes = [...cluster.states.values()].flatMap((s) =>
              [...s.assignments.values()].filter((a) => a.app === 'web').map((a) => a.instanceId),
            );
            expect(onNodes.sort()).toEqual([...app.live.keys()].sort());
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
