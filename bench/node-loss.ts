/**
 * node-loss measures how fast Mammoth repairs a mass node failure (issue 4's benchmark). It starts its own control plane
 * (failure detector on), projector and TWO sim node daemons (own database and topic prefix): a big one with nodes − kill
 * hollow nodes (ids hollow-<i>) and a small one with `kill` hollow nodes (ids victim-<i>). It deploys A apps × I instances
 * (spread), waits until all run, measures the steady-state heartbeat load (heartbeat topic offsets over a window, and the
 * detector's nodesHeard) and the control plane's CPU over that window, then `kill -9`s the small daemon and measures, per
 * lost instance, the time from the kill to its replacement's InstanceRunning (InstanceLost.replacedBy, event metadata
 * timestamps), and per victim node the time from the kill to its NodeLost.
 * Usage: node dist/bench/node-loss.js [nodes=5000] [kill=50] [apps=100] [instancesPerApp=500]
 * Env: HEARTBEAT_INTERVAL_MS (500), NODE_LOST_AFTER_MS (2000), BENCH_WINDOW_S (steady-state window, 20), BENCH_PORT,
 * BENCH_PROFILE=control-plane (writes a --cpu-prof of the control plane to .run/bench-prof/).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import pLimit from 'p-limit';
import { Client, Pool } from 'pg';
import { runMigrations } from '../migrations/data-source';
import { BENCH_AUTH, bootstrapBenchToken } from './auth';
import { uploadHollowPackage } from './lifecycle';
import { BenchProcess } from './processes';
import { percentile, saveReport } from './report';

const ADMIN = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const ROOT = process.env.MAMMOTH_ROOT ?? join(__dirname, '..', '..');
const PORT = Number(process.env.BENCH_PORT ?? 18490);
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

async function waitFor<T>(what: string, fn: () => Promise<T | null>, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch((err: Error) => (console.error(`${what}: ${err.message}`), null));
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const count = async (db: Pool, sql: string, params: unknown[] = []) =>
  Number((await db.query<{ n: string }>(sql, params)).rows[0].n);
const stats = (xs: number[]) =>
  xs.length
    ? {
        samples: xs.length,
        p50: Math.round(percentile(xs, 50)),
        p99: Math.round(percentile(xs, 99)),
        max: Math.round(Math.max(...xs)),
      }
    : { samples: 0 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const nodes = Number(process.argv[2] ?? 5000);
  const kill = Number(process.argv[3] ?? 50);
  const apps = Number(process.argv[4] ?? 100);
  const perApp = Number(process.argv[5] ?? 500);
  const total = apps * perApp;
  const windowS = Number(process.env.BENCH_WINDOW_S ?? 20);
  // The goal (p99 ≤ 5 s from the kill to every replacement running) includes detection, so the timeout must be well under
  // 5 s: 2 s of silence with a heartbeat every 500 ms (four missed beats), as Nomad's and Consul's fast-failure settings do.
  const heartbeatMs = process.env.HEARTBEAT_INTERVAL_MS ?? '500';
  const lostAfterMs = process.env.NODE_LOST_AFTER_MS ?? '2000';
  const stamp = Date.now();
  const dbName = `mammoth_bench_nodeloss_${stamp}`;
  const dbUrl = ADMIN.replace(/\/[^/]*$/, `/${dbName}`);
  const prefix = `benchnodeloss${stamp.toString(36)}`;
  const runDir = join(ROOT, '.run', 'bench', prefix);
  mkdirSync(runDir, { recursive: true });
  const common = {
    DATABASE_URL: dbUrl,
    KAFKA_BROKERS: BROKERS.join(','),
    MAMMOTH_TOPIC_PREFIX: prefix,
    EVENT_TOPIC_PARTITIONS: '3',
  };
  const daemonEnv = (idPrefix: string) => ({
    ...common,
    CONTROL_PLANE_URL: url,
    NODE_ID_PREFIX: idPrefix,
    HEARTBEAT_INTERVAL_MS: heartbeatMs,
    NODE_DATA_DIR: join(runDir, idPrefix),
  });

  await runMigrations({ url: dbUrl });
  Object.assign(common, { MAMMOTH_TOKEN_FILE: bootstrapBenchToken(dbUrl, runDir) });
  const db = new Pool({ connectionString: dbUrl, max: 2 });
  db.on('error', (err) => console.error(`bench database connection: ${err.message}`));
  const kafka = new Kafka({ clientId: 'bench-node-loss', brokers: BROKERS, logLevel: logLevel.NOTHING }).admin();
  await kafka.connect();
  const procs = {
    controlPlane: new BenchProcess(
      'control-plane',
      'control-plane/src/main.js',
      {
        ...common,
        PORT: String(PORT),
        MAMMOTH_DATA_DIR: join(runDir, 'cp'),
        FAILURE_DETECTOR: 'on',
        NODE_LOST_AFTER_MS: lostAfterMs,
      },
      join(runDir, 'control-plane.log'),
      [],
      (process.env.BENCH_PROFILE ?? '').split(',').includes('control-plane')
        ? [
            '--cpu-prof',
            `--cpu-prof-dir=${join(ROOT, '.run', 'bench-prof')}`,
            `--cpu-prof-name=node-loss-control-plane-${stamp}.cpuprofile`,
          ]
        : [],
    ),
    projector: new BenchProcess('projector', 'projector/src/main.js', common, join(runDir, 'projector.log')),
    big: new BenchProcess(
      'node-daemon-big',
      'node-daemon/src/main.js',
      daemonEnv('hollow'),
      join(runDir, 'node-daemon-big.log'),
      ['--driver', 'sim', '--count', String(nodes - kill)],
    ),
    victims: new BenchProcess(
      'node-daemon-victims',
      'node-daemon/src/main.js',
      daemonEnv('victim'),
      join(runDir, 'node-daemon-victims.log'),
      ['--driver', 'sim', '--count', String(kill)],
    ),
  };
  const victimIds = Array.from({ length: kill }, (_, i) => `victim-${i}`);
  try {
    procs.controlPlane.start();
    procs.projector.start();
    await waitFor('the control plane', () => gql('{ apps { name } }'), 60000);
    const t0Nodes = Date.now();
    procs.big.start();
    procs.victims.start();
    await waitFor(
      `${nodes} registered nodes`,
      async () => ((await count(db, 'SELECT count(*) AS n FROM rm_nodes')) >= nodes ? true : null),
      600000,
      500,
    );
    const ready = (p: BenchProcess) => /fleet ready in/.test(readFileSync(p.logFile, 'utf8'));
    await waitFor(
      'both fleets to be ready',
      async () => (ready(procs.big) && ready(procs.victims) ? true : null),
      600000,
      500,
    );
    const fleetReadySeconds = (Date.now() - t0Nodes) / 1000;
    console.error(`${nodes} hollow nodes registered and ready in ${fleetReadySeconds.toFixed(1)} s`);
    // A node declared lost at startup (a fleet whose heartbeats lag its registrations under load) must have recovered
    // before the deploy, or its instances would be placed elsewhere and skew the measure; the count is reported.
    const stillLost = `SELECT count(*) AS n FROM (SELECT DISTINCT ON (data->>'nodeId') type FROM events WHERE type IN ('NodeLost', 'NodeRecovered')
                        ORDER BY data->>'nodeId', position DESC) x WHERE type = 'NodeLost'`;
    await sleep(Number(lostAfterMs) + 2000);
    await waitFor(
      'startup-lost nodes to recover',
      async () => ((await count(db, stillLost)) === 0 ? true : null),
      600000,
      500,
    );
    const startupFalseNodeLost = await count(db, `SELECT count(*) AS n FROM events WHERE type = 'NodeLost'`);
    console.error(`${startupFalseNodeLost} node(s) were declared lost at startup; all recovered`);

    await uploadHollowPackage(url, ROOT);

    const t0Deploy = Date.now();
    const limit = pLimit(6);
    await Promise.all(
      Array.from({ length: apps }, (_, i) =>
        limit(() =>
          gql('mutation($input: DeployAppInput!) { deployApp(input: $input) { name } }', {
            input: {
              name: `loss-${i}`,
              package: 'hollow',
              instances: perApp,
              cpus: 0.1,
              memoryMiB: 64,
              strategy: 'spread',
            },
          }),
        ),
      ),
    );
    await waitFor(
      `${total} running instances`,
      async () => {
        const running = await count(
          db,
          `SELECT count(*) AS n FROM rm_instances WHERE state = 'running' AND desired = 'run'`,
        );
        console.error(`${running}/${total} running`);
        return running >= total ? running : null;
      },
      30 * 60000,
      2000,
    );
    const deploySeconds = (Date.now() - t0Deploy) / 1000;
    const onVictims = await count(
      db,
      `SELECT count(*) AS n FROM rm_instances WHERE desired = 'run' AND node_id = ANY($1)`,
      [victimIds],
    );
    console.error(
      `${total} instances running after ${deploySeconds.toFixed(1)} s; ${onVictims} on the ${kill} victim nodes`,
    );

    // Steady state: heartbeat messages on the topic (sum of partition end offsets) and the control plane's CPU over a window.
    const topic = `${prefix}.heartbeats`;
    const offsets = async () => (await kafka.fetchTopicOffsets(topic)).reduce((s, p) => s + Number(p.high), 0);
    await sleep(3000);
    const [o0, w0] = [await offsets(), Date.now()];
    const cpuTick = () => {
      const stat = readFileSync(`/proc/${procs.controlPlane.pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(f[11]) + Number(f[12])) / 100;
    };
    const ct0 = cpuTick();
    await sleep(windowS * 1000);
    const [o1, w1, ct1] = [await offsets(), Date.now(), cpuTick()];
    const wallS = (w1 - w0) / 1000;
    const detector = await gql<{ failureDetector: { active: boolean; nodesHeard: number; lostAfterMs: number } }>(
      '{ failureDetector { active nodesHeard lostAfterMs } }',
    );
    const heartbeat = {
      expectedMessagesPerSecond: Math.round(nodes / (Number(heartbeatMs) / 1000)),
      measuredMessagesPerSecond: Math.round((o1 - o0) / wallS),
      windowSeconds: +wallS.toFixed(1),
      nodesHeard: detector.failureDetector.nodesHeard,
    };
    const controlPlaneCpu = {
      cpuSeconds: +(ct1 - ct0).toFixed(2),
      wallSeconds: +wallS.toFixed(1),
      cores: +((ct1 - ct0) / wallS).toFixed(3),
    };
    console.error(`heartbeats ${JSON.stringify(heartbeat)}; control plane CPU ${JSON.stringify(controlPlaneCpu)}`);

    // The failure: kill -9 the daemon that runs the victim nodes.
    const killPos = await count(db, 'SELECT coalesce(max(position), 0) AS n FROM events');
    const killAt = Date.now();
    process.kill(procs.victims.pid, 'SIGKILL');
    console.error(`killed ${kill} nodes (${onVictims} instances) at ${new Date(killAt).toISOString()}`);

    type Row = { id: string; rep: string | null; lost_ms: number; run_ms: number | null };
    const query = () =>
      db.query<Row>(
        `WITH lost AS (SELECT data->>'instanceId' AS id, data->>'replacedBy' AS rep, (metadata->>'timestamp')::timestamptz AS ts
                         FROM events WHERE type = 'InstanceLost' AND position > $1 AND data->>'nodeId' = ANY($2)),
              running AS (SELECT data->>'instanceId' AS id, min((metadata->>'timestamp')::timestamptz) AS ts
                            FROM events WHERE type = 'InstanceRunning' AND position > $1 GROUP BY 1)
         SELECT lost.id, lost.rep, EXTRACT(EPOCH FROM lost.ts) * 1000 AS lost_ms, EXTRACT(EPOCH FROM running.ts) * 1000 AS run_ms
           FROM lost LEFT JOIN running ON running.id = lost.rep`,
        [killPos, victimIds],
      );
    const timeoutS = Number(process.env.BENCH_REPAIR_TIMEOUT_S ?? 180);
    let rows: Row[] = [];
    await waitFor(
      `${onVictims} replacements running`,
      async () => {
        rows = (await query()).rows;
        const done = rows.filter((r) => r.run_ms !== null).length;
        return rows.length >= onVictims && done >= onVictims ? true : null;
      },
      timeoutS * 1000,
      250,
    ).catch((err: Error) =>
      console.error(`${err.message}: ${rows.filter((r) => r.run_ms !== null).length}/${onVictims} replaced`),
    );
    const repairMs = rows.filter((r) => r.run_ms !== null).map((r) => Number(r.run_ms) - killAt);
    const lostMs = rows.map((r) => Number(r.lost_ms) - killAt);
    const nodeLost = await db.query<{ ms: number }>(
      `SELECT EXTRACT(EPOCH FROM (metadata->>'timestamp')::timestamptz) * 1000 AS ms FROM events WHERE type = 'NodeLost' AND position > $1 AND data->>'nodeId' = ANY($2)`,
      [killPos, victimIds],
    );
    const nodeLostMs = nodeLost.rows.map((r) => Number(r.ms) - killAt);
    const otherLost = await count(
      db,
      `SELECT count(*) AS n FROM events WHERE type = 'NodeLost' AND position > $1 AND NOT data->>'nodeId' = ANY($2)`,
      [killPos, victimIds],
    );

    saveReport('node-loss', {
      nodes,
      killedNodes: kill,
      apps,
      instancesPerApp: perApp,
      instances: total,
      instancesOnKilledNodes: onVictims,
      fleetReadySeconds: +fleetReadySeconds.toFixed(1),
      deploySeconds: +deploySeconds.toFixed(1),
      killToReplacementRunningMs: stats(repairMs),
      goalP99Ms: 5000,
      killToInstanceLostMs: stats(lostMs),
      killToNodeLostMs: stats(nodeLostMs),
      replacementsWithoutPlacement: rows.filter((r) => !r.rep).length,
      unreplacedAtEnd: onVictims - repairMs.length,
      healthyNodesFalselyLostAfterKill: otherLost,
      startupFalseNodeLost,
      heartbeat,
      controlPlaneCpuSteadyState: controlPlaneCpu,
      settings: {
        heartbeatIntervalMs: Number(heartbeatMs),
        nodeLostAfterMs: Number(lostAfterMs),
        detectorActive: detector.failureDetector.active,
        eventTopicPartitions: 3,
      },
      method:
        'kill -9 of the daemon process running the victim nodes; per lost instance: InstanceLost.replacedBy -> first InstanceRunning of the replacement (event metadata timestamps) minus the kill time; ' +
        'heartbeat load: growth of the heartbeats topic end offsets over the window; CPU: control plane utime+stime (/proc) over the same window, whole process (detector plus idle relay/API)',
    });
  } finally {
    await Promise.all([procs.victims.stop(), procs.big.stop(), procs.projector.stop(), procs.controlPlane.stop()]);
    await db.end();
    const admin = new Client({ connectionString: ADMIN });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
    const topics = (await kafka.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
    if (topics.length)
      await kafka.deleteTopics({ topics }).catch((err: Error) => console.error(`cannot delete topics: ${err.message}`));
    await kafka.disconnect();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
