import fc from 'fast-check';
import { Constraint, LabelConstraint, makeEvent, NodeEvent } from '@mammoth/events';
import { toCandidate } from '../node/candidate';
import { evolveNode, initialNodeState, NodeState } from '../node/node';
import { NodeCandidate } from '../scheduler/types';

/** Registered is a node state after registration. */
export type Registered = Extract<NodeState, { status: 'registered' }>;

/** PKG is a well-formed package reference for scheduler property tests. */
export const PKG = {
  name: 'web',
  version: '1.0.0',
  digest: `sha256:${'a'.repeat(64)}`,
  format: 'image' as const,
  imageRef: 'mammoth/web:1.0.0',
};

/** uuidFrom returns a generator of distinct, valid, deterministic UUIDs. */
export const uuidFrom = (prefix: number) => {
  let n = 0;
  return () => `00000000-0000-4000-${String(8000 + prefix)}-${String(++n).padStart(12, '0')}`;
};

/** LABEL_DOMAIN is every label key property tests give nodes, with the values it may take. */
export const LABEL_DOMAIN = { rack: ['a', 'b', 'c'], zone: ['z1', 'z2'], disk: ['ssd', 'hdd'] } as const;
type LabelKey = keyof typeof LABEL_DOMAIN;
const KEYS = Object.keys(LABEL_DOMAIN) as LabelKey[];

const labelsArb = fc.record(
  {
    rack: fc.constantFrom(...LABEL_DOMAIN.rack),
    zone: fc.constantFrom(...LABEL_DOMAIN.zone),
    disk: fc.constantFrom(...LABEL_DOMAIN.disk),
  },
  { requiredKeys: [] },
);

/** nodeArb generates one node: its size, port range, status, labels and instances of other apps (or of `web`) already on it. */
export const nodeArb = fc.record({
  cpu: fc.integer({ min: 500, max: 8000 }),
  mem: fc.integer({ min: 256, max: 8192 }),
  disk: fc.integer({ min: 0, max: 1000 }),
  portFrom: fc.integer({ min: 20000, max: 20100 }),
  portCount: fc.integer({ min: 1, max: 12 }),
  status: fc.constantFrom<NodeCandidate['status']>('ready', 'ready', 'ready', 'draining', 'lost'),
  labels: labelsArb,
  others: fc.array(
    fc.record({
      app: fc.constantFrom('other', 'other', 'web'),
      cpu: fc.integer({ min: 0, max: 2000 }),
      mem: fc.integer({ min: 0, max: 2000 }),
      disk: fc.integer({ min: 0, max: 200 }),
      port: fc.integer({ min: 0, max: 15 }),
    }),
    { maxLength: 5 },
  ),
});
export type NodeSpec = typeof nodeArb extends fc.Arbitrary<infer T> ? T : never;

/** clusterArb generates up to ten nodes. */
export const clusterArb = fc.array(nodeArb, { maxLength: 10 });

/** shapeArb generates an instance shape. */
export const shapeArb = fc.record({
  cpuMillis: fc.integer({ min: 1, max: 3000 }),
  memoryMiB: fc.integer({ min: 1, max: 3000 }),
  diskMiB: fc.integer({ min: 0, max: 300 }),
});

const valueOf = (key: LabelKey) => fc.constantFrom<string>(...LABEL_DOMAIN[key], 'x');
const labelArb: fc.Arbitrary<LabelConstraint> = fc.constantFrom(...KEYS).chain((key) =>
  fc.oneof(
    valueOf(key).map((v) => ({ kind: 'label' as const, key, op: 'equals' as const, values: [v] })),
    fc
      .uniqueArray(valueOf(key), { minLength: 1, maxLength: 3 })
      .map((values) => ({ kind: 'label' as const, key, op: 'in' as const, values })),
    fc
      .uniqueArray(valueOf(key), { minLength: 1, maxLength: 2 })
      .map((values) => ({ kind: 'label' as const, key, op: 'not-in' as const, values })),
    fc.constant({ kind: 'label' as const, key, op: 'exists' as const, values: [] }),
  ),
);

/** constraintArb generates any constraint over the label domain, including values no node carries. */
export const constraintArb: fc.Arbitrary<Constraint> = fc.oneof(
  labelArb,
  fc.constant({ kind: 'unique' as const }),
  fc.record({
    kind: fc.constant('max-per' as const),
    key: fc.constantFrom<string>('rack', 'zone'),
    max: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  }),
);

/** constraintsArb generates zero to three constraints, half the time none. */
export const constraintsArb = fc.oneof(fc.constant<Constraint[]>([]), fc.array(constraintArb, { maxLength: 3 }));

/** Cluster is a generated cluster folded through the node aggregate, with each node's status kept beside it. */
export interface Cluster {
  readonly states: Map<string, Registered>;
  readonly status: Map<string, NodeCandidate['status']>;
}

/**
 * buildCluster folds each generated node through the node aggregate, with instances already on it where they fit.
 * With `onlyOthers`, pre-existing instances all belong to app `other` (for tests where `web`'s instances must match its stream).
 */
export function buildCluster(specs: NodeSpec[], opts: { onlyOthers?: boolean } = {}): Cluster {
  const newId = uuidFrom(1);
  const states = new Map<string, Registered>();
  const status = new Map<string, NodeCandidate['status']>();
  specs.forEach((s, i) => {
    const nodeId = `n${i}`;
    const registered: NodeEvent = makeEvent('NodeRegistered', {
      nodeId,
      hostname: nodeId,
      address: `10.0.0.${i}`,
      capacity: { cpuMillis: s.cpu, memoryMiB: s.mem, diskMiB: s.disk },
      portRange: { from: s.portFrom, to: s.portFrom + s.portCount - 1 },
      labels: { ...s.labels },
      driver: 'sim',
    });
    let state = evolveNode(initialNodeState(), registered) as Registered;
    for (const o of s.others) {
      const port = s.portFrom + o.port; // may fall outside the range: a port kept from an earlier registration
      const fits =
        state.allocated.cpuMillis + o.cpu <= s.cpu &&
        state.allocated.memoryMiB + o.mem <= s.mem &&
        state.allocated.diskMiB + o.disk <= s.disk;
      if (!fits || state.usedPorts.has(port)) continue;
      const app = opts.onlyOthers ? 'other' : o.app;
      const resources = { cpuMillis: o.cpu, memoryMiB: o.mem, diskMiB: o.disk };
      state = evolveNode(
        state,
        makeEvent('InstanceAssigned', { instanceId: newId(), app, package: PKG, resources, port, env: {} }),
      ) as Registered;
    }
    states.set(nodeId, state);
    status.set(nodeId, s.status);
  });
  return { states, status };
}

/** candidates is the scheduler's snapshot of a generated cluster. */
export const candidates = (c: Cluster): NodeCandidate[] =>
  [...c.states.values()].map((s) => toCandidate(s, c.status.get(s.info.nodeId)));

/** labelHolds is an independent oracle for a label constraint, written from the operator's definition of each op. */
export function labelHolds(c: LabelConstraint, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, c.key);
  if (c.op === 'exists') return has;
  if (c.op === 'not-in') return !has || c.values.every((v) => v !== labels[c.key]);
  return has && c.values.some((v) => v === labels[c.key]);
}
