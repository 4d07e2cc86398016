/**
 * hollow-e2e measures Mammoth end to end at scale: it starts its own control plane, projector and ONE sim node daemon
 * running N hollow nodes (own database and topic prefix), deploys A apps × I instances through GraphQL, and measures
 * instances per second from the first mutation until every instance is `running` in the registry read model, the
 * placement-to-running latency (InstancePlaced to InstanceRunning event timestamps), and each process's peak RSS and CPU.
 * Usage: node dist/bench/hollow-e2e.js [nodes=5000] [apps=100] [instancesPerApp=500] [inFlight=6]
 * Env: BENCH_PROFILE=control-plane,projector,node-daemon (any of them) writes a --cpu-prof of those processes to .run/bench-prof/;
 * BENCH_SYSTEM_PROFILE=1 records the whole machine with Linux perf from the first mutation until all run and saves where the
 * CPU went (by process, by part of each Mammoth process, by function) to bench/results/hollow-e2e-profile.json.
 */
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { Pool } from 'pg';
import { runMigrations } from '../migrations/data-source';
import { BENCH_AUTH, bootstrapBenchToken } from './auth';
import { CleanUps, dropBenchState, runBench, uploadHollowPackage, waitFor } from './lifecycle';
import { BenchProcess } from './processes';
import { percentile, saveReport } from './report';
import { NODE_PERF_ARGS, perfWorks, SqlSampler, SystemProfile } from './system-profile';

const ADMIN = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
/** ROOT is the repository (MAMMOTH_ROOT when the build lives elsewhere). */
const ROOT = process.env.MAMMOTH_ROOT ?? join(__dirname, '..', '..');
const PORT = Number(process.env.BENCH_PORT ?? 18480);
const url = `http://127.0.0.1:${PORT}`;

async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...BENCH_AUTH },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data as T;
}

const count = async (db: Pool, sql: string, params: unknown[] = []) =>
  Number((await db.query<{ n: string }>(sql, params)).rows[0].n);

/** cpuOf sums the CPU seconds of every process whose command name matches (postgres backends, the Kafka JVM). */
function cpuOf(command: RegExp): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!command.test(name)) continue;
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // the process ended while we looked
    }
  }
  return ticks / 100;
}

/** machineTicks reads the machine's busy and total CPU time (/proc/stat, all cores), to tell whether the machine is saturated. */
function machineTicks(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + f[4];
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

async function main(): Promise<void> {
  const nodes = Number(process.argv[2] ?? 5000);
  const apps = Number(process.argv[3] ?? 100);
  const perApp = Number(process.argv[4] ?? 500);
  const inFlight = Number(process.argv[5] ?? 6);
  const total = apps * perApp;
  const stamp = Date.now();
  const dbName = `mammoth_bench_hollow_${stamp}`;
  const dbUrl = ADMIN.replace(/\/[^/]*$/, `/${dbName}`);
  const prefix = `benchhollow${stamp.toString(36)}`;
  const runDir = join(ROOT, '.run', 'bench', prefix);
  const profDir = join(ROOT, '.run', 'bench-prof');
  mkdirSync(runDir, { recursive: true });
  const profiled = (process.env.BENCH_PROFILE ?? '').split(',');
  const systemProfile = process.env.BENCH_SYSTEM_PROFILE === '1' ? new SystemProfile(join(runDir, 'perf.data')) : null;
  if (systemProfile && !perfWorks())
    throw new Error('BENCH_SYSTEM_PROFILE=1 needs `perf record -a` (apt-get install linux-perf, as root)');
  const nodeArgs = (name: string) => [
    ...(profiled.includes(name)
      ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=${name}-${stamp}.cpuprofile`]
      : []),
    ...(systemProfile ? NODE_PERF_ARGS : []),
  ];
  const common = {
    DATABASE_URL: dbUrl,
    KAFKA_BROKERS: BROKERS.join(','),
    MAMMOTH_TOPIC_PREFIX: prefix,
    EVENT_TOPIC_PARTITIONS: '3',
  };
  // Kubernetes' defaults at this scale: a node renews its lease every 10 s and is declared lost after 40 s of silence.
  const heartbeatMs = process.env.HEARTBEAT_INTERVAL_MS ?? '10000';
  const lostAfterMs = process.env.NODE_LOST_AFTER_MS ?? '40000';

  cleanUps.push(() => dropBenchState(ADMIN, BROKERS, dbName, prefix));
  await runMigrations({ url: dbUrl });
  Object.assign(common, { MAMMOTH_TOKEN_FILE: bootstrapBenchToken(dbUrl, runDir) });
  const db = new Pool({ connectionString: dbUrl, max: 2 });
  cleanUps.push(() => db.end());
  db.on('error', (err) => console.error(`bench database connection: ${err.message}`));
  const procs = {
    controlPlane: new BenchProcess(
      'control-plane',
      'control-plane/src/main.js',
      { ...common, PORT: String(PORT), MAMMOTH_DATA_DIR: join(runDir, 'cp'), NODE_LOST_AFTER_MS: lostAfterMs },
      join(runDir, 'control-plane.log'),
      [],
      nodeArgs('control-plane'),
    ),
    projector: new BenchProcess(
      'projector',
      'projector/src/main.js',
      common,
      join(runDir, 'projector.log'),
      [],
      nodeArgs('projector'),
    ),
    daemon: new BenchProcess(
      'node-daemon',
      'node-daemon/src/main.js',
      {
        ...common,
        CONTROL_PLANE_URL: url,
        NODE_ID_PREFIX: 'hollow',
        HEARTBEAT_INTERVAL_MS: heartbeatMs,
        NODE_DATA_DIR: join(runDir, 'node'),
      },
      join(runDir, 'node-daemon.log'),
      ['--driver', 'sim', '--count', String(nodes)],
      nodeArgs('node-daemon'),
    ),
  };
  cleanUps.push(
    async () => void (await Promise.all([procs.daemon.stop(), procs.projector.stop(), procs.controlPlane.stop()])),
  );
  try {
    procs.controlPlane.start();
    procs.projector.start();
    await waitFor('the control plane', () => gql('{ apps { name } }'), 60000);
    const t0Nodes = Date.now();
    procs.daemon.start();
    await waitFor(
      `${nodes} registered nodes`,
      async () => ((await count(db, 'SELECT count(*) AS n FROM rm_nodes')) >= nodes ? true : null),
      600000,
      500,
    );
    await waitFor(
      'the fleet to be ready',
      async () => (/fleet ready in/.test(readFileSync(procs.daemon.logFile, 'utf8')) ? true : null),
      600000,
      500,
    );
    const fleetReadySeconds = (Date.now() - t0Nodes) / 1000;
    console.error(`${nodes} hollow nodes registered and ready in ${fleetReadySeconds.toFixed(1)} s`);

    await uploadHollowPackage(url, ROOT);

    const machine0 = machineTicks();
    const cpu0 = {
      ...Object.fromEntries(Object.entries(procs).map(([k, p]) => [k, p.usage().cpuSeconds])),
      postgres: cpuOf(/^postgres$/),
      kafka: cpuOf(/^java$/),
    };
    const limit = pLimit(inFlight);
    const mutationMs: number[] = [];
    const sql = systemProfile ? new SqlSampler(db, dbName) : null;
    systemProfile?.start();
    sql?.start();
    const t0 = performance.now();
    let deploysDone = 0;
    let failure: unknown = null;
    const deploys = Promise.all(
      Array.from({ length: apps }, (_, i) =>
        limit(async () => {
          const s = performance.now();
          await gql('mutation($input: DeployAppInput!) { deployApp(input: $input) { name } }', {
            input: { name: `bench-${i}`, package: 'hollow', instances: perApp, cpus: 0.1, memoryMiB: 64 },
          });
          mutationMs.push(performance.now() - s);
        }),
      ),
    ).then(
      () => void (deploysDone = performance.now()),
      (err: unknown) => void (failure = err),
    );
    const timeline: { s: number; running: number }[] = [];
    await waitFor(
      `${total} running instances`,
      async () => {
        if (failure) return -1;
        const running = await count(
          db,
          `SELECT count(*) AS n FROM rm_instances WHERE state = 'running' AND desired = 'run'`,
        );
        timeline.push({ s: +((performance.now() - t0) / 1000).toFixed(1), running });
        return running >= total ? running : null;
      },
      30 * 60000,
      500, // a count over the whole table: more often, and the measuring shows up in the database's own profile
    );
    const seconds = (performance.now() - t0) / 1000;
    const statements = sql?.stop();
    const profile = await systemProfile?.stop({
      'control-plane': procs.controlPlane.pid,
      projector: procs.projector.pid,
      'node-daemon': procs.daemon.pid,
      bench: process.pid,
    });
    await deploys;
    if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
    const usage = Object.fromEntries(Object.entries(procs).map(([k, p]) => [k, p.usage()]));
    const machine1 = machineTicks();
    const cores = os.cpus().length;
    const machineBusyCores = +(((machine1.busy - machine0.busy) / (machine1.total - machine0.total)) * cores).toFixed(
      2,
    );
    const cpuDuring = {
      ...Object.fromEntries(
        Object.entries(procs).map(([k]) => [
          k,
          +(usage[k].cpuSeconds - (cpu0 as Record<string, number>)[k]).toFixed(1),
        ]),
      ),
      postgresAllDatabases: +(cpuOf(/^postgres$/) - cpu0.postgres).toFixed(1),
      kafka: +(cpuOf(/^java$/) - cpu0.kafka).toFixed(1),
      machineBusyCores,
      machineCores: cores,
    };

    const lat = await db.query<{ ms: number }>(
      `WITH placed AS (SELECT data->>'instanceId' AS id, (metadata->>'timestamp')::timestamptz AS ts FROM events WHERE type = 'InstancePlaced'),
            running AS (SELECT data->>'instanceId' AS id, min((metadata->>'timestamp')::timestamptz) AS ts FROM events WHERE type = 'InstanceRunning' GROUP BY 1)
       SELECT EXTRACT(EPOCH FROM (r.ts - p.ts)) * 1000 AS ms FROM placed p JOIN running r USING (id)`,
    );
    const latencies = lat.rows.map((r) => Number(r.ms));
    const events = await count(db, 'SELECT count(*) AS n FROM events');
    const perNode = await db.query<{ max: string; min: string; used: string }>(
      `SELECT max(c) AS max, min(c) AS min, count(*) AS used FROM (SELECT node_id, count(*) AS c FROM rm_instances WHERE desired = 'run' GROUP BY node_id) x`,
    );
    saveReport('hollow-e2e', {
      nodes,
      apps,
      instancesPerApp: perApp,
      instances: total,
      deploysInFlight: inFlight,
      fleetReadySeconds: +fleetReadySeconds.toFixed(1),
      seconds: +seconds.toFixed(2),
      instancesPerSecond: Math.round(total / seconds),
      goalInstancesPerSecond: 3750,
      deploysDoneSeconds: +((deploysDone - t0) / 1000).toFixed(2),
      deployMutationMs: {
        p50: Math.round(percentile(mutationMs, 50)),
        p99: Math.round(percentile(mutationMs, 99)),
        max: Math.round(Math.max(...mutationMs)),
      },
      placementToRunningMs: {
        samples: latencies.length,
        p50: Math.round(percentile(latencies, 50)),
        p99: Math.round(percentile(latencies, 99)),
        max: Math.round(Math.max(...latencies)),
      },
      peakRssMiB: {
        controlPlane: usage.controlPlane.peakRssMiB,
        projector: usage.projector.peakRssMiB,
        nodeDaemon: usage.daemon.peakRssMiB,
      },
      cpuSecondsDuringDeploy: cpuDuring,
      events,
      spread: {
        nodesUsed: Number(perNode.rows[0].used),
        minPerNode: Number(perNode.rows[0].min),
        maxPerNode: Number(perNode.rows[0].max),
      },
      timeline: timeline.filter((_, i) => i % 5 === 0 || i === timeline.length - 1),
      settings: {
        heartbeatIntervalMs: Number(heartbeatMs),
        nodeLostAfterMs: Number(lostAfterMs),
        eventTopicPartitions: 3,
      },
      ...(profile ? { systemProfile: 'bench/results/hollow-e2e-profile.json' } : {}),
      path: 'deployApp (GraphQL) -> scheduler -> event store -> outbox relay -> Kafka -> sim node daemon (one consumer, 5000 reconcile loops) -> merged reportInstances -> event store -> relay -> Kafka -> projector -> rm_instances',
    });
    if (profile)
      saveReport('hollow-e2e-profile', {
        nodes,
        instances: total,
        instancesPerSecond: Math.round(total / seconds),
        ...profile,
        postgresStatements: statements,
      });
  } finally {
    await cleanUps.run();
  }
}

/** cleanUps holds what main started. */
const cleanUps = new CleanUps();
runBench(main, cleanUps);
