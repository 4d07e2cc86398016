/**
 * scheduler-core measures the pure placement core: one planMany run places every app of a seeded workload against one
 * evolving working copy of a seeded cluster snapshot, in a single process. It runs several rounds on the same snapshot
 * (which planMany never writes): the first shows a cold JIT, the median the steady state.
 * Usage: node dist/bench/scheduler-core.js [nodes=5000] [instances=100000] [rounds=5] [seed=mammoth]
 */
import { Plan, planMany } from '@mammoth/domain';
import seedrandom from 'seedrandom';
import { percentile, saveReport } from './report';
import { cluster, workload } from './scheduler-workload';

function main(): void {
  const nodeCount = Number(process.argv[2] ?? 5000);
  const instances = Number(process.argv[3] ?? 100_000);
  const rounds = Number(process.argv[4] ?? 5);
  const seed = process.argv[5] ?? 'mammoth';
  const nodes = cluster(nodeCount, seedrandom(`${seed}-cluster`));
  const reqs = workload(instances, seedrandom(`${seed}-workload`));
  const constrained = reqs.filter((r) => (r.constraints ?? []).length > 0);

  const runs: { seconds: number; placed: number; unplaced: number; plans: Plan[] }[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = process.hrtime.bigint();
    const plans = planMany(reqs, nodes, { rng: seedrandom(`${seed}-plan`) });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const placed = plans.reduce((s, p) => s + p.placements.length, 0);
    runs.push({ seconds, placed, unplaced: plans.reduce((s, p) => s + p.unplaced, 0), plans });
    console.error(
      `round ${i + 1}: ${placed} placed in ${seconds.toFixed(3)} s = ${Math.round(placed / seconds)} placements/s`,
    );
  }
  const median = [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)];
  const { placed, unplaced, plans } = median;
  const why = new Map<string, number>();
  for (const p of plans) for (const r of p.reasons) why.set(r.reason, (why.get(r.reason) ?? 0) + 1);
  const usage = process.resourceUsage();
  const share = (dim: 'cpuMillis' | 'memoryMiB') => {
    const ready = nodes.filter((n) => n.status === 'ready');
    const before = ready.reduce((s, n) => s + n.allocated[dim], 0);
    const added = plans.reduce((s, p, i) => s + p.placements.length * reqs[i].resources[dim], 0);
    return +((before + added) / ready.reduce((s, n) => s + n.capacity[dim], 0)).toFixed(3);
  };

  saveReport('scheduler-core', {
    nodes: nodeCount,
    instances,
    apps: reqs.length,
    constrainedApps: constrained.length,
    constrainedInstances: constrained.reduce((s, r) => s + r.count, 0),
    rounds,
    placementsPerSecond: Math.round(placed / median.seconds),
    placementsPerSecondCold: Math.round(runs[0].placed / runs[0].seconds),
    placementsPerSecondRounds: runs.map((r) => Math.round(r.placed / r.seconds)),
    totalSeconds: +median.seconds.toFixed(3),
    totalSecondsCold: +runs[0].seconds.toFixed(3),
    placed,
    unplaced,
    allocatedAfter: { cpu: share('cpuMillis'), memory: share('memoryMiB') },
    appsFullyPlaced: plans.filter((p) => p.unplaced === 0).length,
    appsPending: plans.filter((p) => p.unplaced > 0).length,
    topPendingReasons: [...why]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([reason, apps]) => ({ reason, apps })),
    perAppInstances: {
      p50: percentile(
        reqs.map((r) => r.count),
        50,
      ),
      p99: percentile(
        reqs.map((r) => r.count),
        99,
      ),
      max: Math.max(...reqs.map((r) => r.count)),
    },
    peakRssMiB: Math.round(usage.maxRSS / 1024),
    heapUsedMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    node: process.version,
  });
}

main();
