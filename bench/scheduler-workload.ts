import { Constraint, Resources } from '@mammoth/events';
import { NodeCandidate, PlacementRequest } from '@mammoth/domain';

/** Rng is a seeded source of numbers in [0, 1). */
type Rng = () => number;

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
const GiB = 1024;

/** NODE_SIZES are the machine types of the simulated cluster, with their share of it. */
const NODE_SIZES = [
  { share: 0.4, cpuMillis: 8000, memoryMiB: 32 * GiB, diskMiB: 200 * GiB },
  { share: 0.4, cpuMillis: 16000, memoryMiB: 64 * GiB, diskMiB: 500 * GiB },
  { share: 0.2, cpuMillis: 32000, memoryMiB: 128 * GiB, diskMiB: 1000 * GiB },
];

/** SHAPES are instance shapes, small ones more common. */
const SHAPES: readonly Resources[] = [
  { cpuMillis: 100, memoryMiB: 128, diskMiB: 0 },
  { cpuMillis: 250, memoryMiB: 256, diskMiB: 0 },
  { cpuMillis: 250, memoryMiB: 512, diskMiB: 1024 },
  { cpuMillis: 500, memoryMiB: 1 * GiB, diskMiB: 2048 },
  { cpuMillis: 1000, memoryMiB: 2 * GiB, diskMiB: 5120 },
  { cpuMillis: 2000, memoryMiB: 4 * GiB, diskMiB: 10240 },
  { cpuMillis: 4000, memoryMiB: 16 * GiB, diskMiB: 20480 },
];
const SHAPE_WEIGHTS = [20, 25, 15, 20, 10, 7, 3];

/**
 * cluster builds `count` nodes of mixed sizes with rack (50 nodes each), zone (3) and disk type labels; 1% draining,
 * 0.5% lost; a fifth already run other work, and a tenth offer only 64 ports.
 */
export function cluster(count: number, rng: Rng): NodeCandidate[] {
  const nodes: NodeCandidate[] = [];
  for (let i = 0; i < count; i++) {
    const r = rng();
    const size =
      r < NODE_SIZES[0].share
        ? NODE_SIZES[0]
        : r < NODE_SIZES[0].share + NODE_SIZES[1].share
          ? NODE_SIZES[1]
          : NODE_SIZES[2];
    const busy = rng() < 0.2;
    const portCount = rng() < 0.1 ? 64 : 1000;
    const usedPorts = new Set<number>();
    if (busy) for (let p = 0; p < 8; p++) usedPorts.add(20000 + Math.floor(rng() * portCount));
    const s = rng();
    nodes.push({
      id: `node-${i}`,
      address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      status: s < 0.005 ? 'lost' : s < 0.015 ? 'draining' : 'ready',
      capacity: { cpuMillis: size.cpuMillis, memoryMiB: size.memoryMiB, diskMiB: size.diskMiB },
      allocated: busy
        ? { cpuMillis: size.cpuMillis / 4, memoryMiB: size.memoryMiB / 4, diskMiB: size.diskMiB / 8 }
        : { cpuMillis: 0, memoryMiB: 0, diskMiB: 0 },
      usedPorts,
      portRange: { from: 20000, to: 20000 + portCount - 1 },
      labels: {
        rack: `r${String(Math.floor(i / 50)).padStart(3, '0')}`,
        zone: `z${i % 3}`,
        disk: rng() < 0.3 ? 'ssd' : 'hdd',
      },
      appCounts: busy ? new Map([['other', 8]]) : new Map(),
    });
  }
  return nodes;
}

function weighted<T>(rng: Rng, xs: readonly T[], weights: readonly number[]): T {
  const total = weights.reduce((a, b) => a + b, 0);
  let r = rng() * total;
  for (let i = 0; i < xs.length; i++) if ((r -= weights[i]) < 0) return xs[i];
  return xs[xs.length - 1];
}

/** appSize draws an app's instance count: many small apps, some hundreds, a few thousands. */
function appSize(rng: Rng): number {
  const r = rng();
  if (r < 0.5) return 1 + Math.floor(rng() * 10);
  if (r < 0.85) return 10 + Math.floor(rng() * 90);
  if (r < 0.98) return 100 + Math.floor(rng() * 400);
  return 1000 + Math.floor(rng() * 2000);
}

/** constraintsFor draws a constrained app's constraints: label tests, unique and max-per, alone or combined. */
function constraintsFor(rng: Rng, count: number): Constraint[] {
  const options: (() => Constraint)[] = [
    () => ({ kind: 'label', key: 'disk', op: 'equals', values: ['ssd'] }),
    () => ({ kind: 'label', key: 'zone', op: 'in', values: ['z0', 'z1'] }),
    () => ({ kind: 'label', key: 'rack', op: 'not-in', values: ['r000', 'r001', 'r002'] }),
    () => ({ kind: 'label', key: 'gpu', op: 'exists', values: [] }), // no node has one: these stay pending
    () => ({ kind: 'unique' }),
    () => ({ kind: 'max-per', key: 'rack' }),
    () => ({ kind: 'max-per', key: 'zone', max: Math.ceil(count / 3) }),
  ];
  const n = 1 + Math.floor(rng() * 2);
  const out: Constraint[] = [];
  for (let i = 0; i < n; i++) {
    const c = pick(rng, options)();
    if (!out.some((o) => o.kind === c.kind && ('key' in o ? o.key : '') === ('key' in c ? c.key : ''))) out.push(c);
  }
  return out;
}

/** workload draws apps until they ask for `instances` in all; `constrainedShare` of the apps carry constraints. */
export function workload(instances: number, rng: Rng, constrainedShare = 0.1): PlacementRequest[] {
  const reqs: PlacementRequest[] = [];
  let left = instances;
  while (left > 0) {
    const count = Math.min(left, appSize(rng));
    left -= count;
    const constrained = rng() < constrainedShare;
    reqs.push({
      app: `app-${reqs.length}`,
      resources: weighted(rng, SHAPES, SHAPE_WEIGHTS),
      count,
      desired: count,
      strategy: rng() < 0.7 ? 'spread' : 'binpack',
      constraints: constrained ? constraintsFor(rng, count) : [],
    });
  }
  return reqs;
}
