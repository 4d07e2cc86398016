/**
 * heartbeat-cost measures what heartbeats and metrics cost the control plane at scale (issue 14's closing note). It starts
 * its own control plane (failure detector on), projector and one sim node daemon with N hollow nodes (own database and
 * topic prefix), waits until every node is registered and heard, then over a steady window measures the heartbeat
 * messages per second the control plane reads (its own mammoth_heartbeats_received_total) and the CPU the control plane
 * and the projector spend meanwhile; then it scrapes the control plane's /metrics as Prometheus would (with N nodes, one
 * heartbeat-age series each) and measures each scrape's size, time and CPU, and the heartbeat message's size with and
 * without the usage summary.
 * Usage: node dist/bench/heartbeat-cost.js [nodes=5000]
 * Env: HEARTBEAT_INTERVAL_MS (1000, the daemon's default), BENCH_WINDOW_S (30), BENCH_SCRAPES (20), BENCH_PORT (18590).
 */
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { runMigrations } from '../migrations/data-source';
import { heartbeatMessage } from '../apps/node-daemon/src/agent/heartbeat';
import { BENCH_AUTH, bootstrapBenchToken } from './auth';
import { BenchProcess } from './processes';
import { saveReport } from './report';

const ADMIN = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const ROOT = process.env.MAMMOTH_ROOT ?? join(__dirname, '..', '..');
const PORT = Number(process.env.BENCH_PORT ?? 18590);
const url = `http://127.0.0.1:${PORT}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function gql<T>(query: string): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...BENCH_AUTH },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data as T;
}

async function waitFor<T>(what: string, fn: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch((err: Error) => (console.error(`${what}: ${err.message}`), null));
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(1000);
  }
}

/** scrape fetches the control plane's /metrics as a scraper would. */
async function scrape(): Promise<string> {
  const res = await fetch(`${url}/metrics`, { headers: BENCH_AUTH });
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return res.text();
}

/** received reads the heartbeats the control plane has read so far from its own /metrics. */
async function received(): Promise<number> {
  const m = /^mammoth_heartbeats_received_total\{[^}]*result="ok"[^}]*\} (\d+)/m.exec(await scrape());
  return Number(m?.[1] ?? 0);
}

async function main(): Promise<void> {
  const nodes = Number(process.argv[2] ?? 5000);
  const windowS = Number(process.env.BENCH_WINDOW_S ?? 30);
  const scrapes = Number(process.env.BENCH_SCRAPES ?? 20);
  const heartbeatMs = Number(process.env.HEARTBEAT_INTERVAL_MS ?? 1000);
  const stamp = Date.now();
  const dbName = `mammoth_bench_hbcost_${stamp}`;
  const dbUrl = ADMIN.replace(/\/[^/]*$/, `/${dbName}`);
  const prefix = `benchhbcost${stamp.toString(36)}`;
  const runDir = join(ROOT, '.run', 'bench', prefix);
  mkdirSync(runDir, { recursive: true });
  const admin = new Client({ connectionString: ADMIN });
  await admin.connect();
  const db = new Client({ connectionString: dbUrl });
  const common = {
    DATABASE_URL: dbUrl,
    KAFKA_BROKERS: BROKERS.join(','),
    MAMMOTH_TOPIC_PREFIX: prefix,
    EVENT_TOPIC_PARTITIONS: '3',
  };
  await runMigrations({ url: dbUrl });
  await db.connect();
  Object.assign(common, { MAMMOTH_TOKEN_FILE: bootstrapBenchToken(dbUrl, runDir) });
  const procs = {
    controlPlane: new BenchProcess(
      'control-plane',
      'control-plane/src/main.js',
      { ...common, PORT: String(PORT), MAMMOTH_DATA_DIR: join(runDir, 'cp'), FAILURE_DETECTOR: 'on' },
      join(runDir, 'control-plane.log'),
    ),
    projector: new BenchProcess(
      'projector',
      'projector/src/main.js',
      { ...common, CONTROL_PLANE_URL: url },
      join(runDir, 'projector.log'),
    ),
    daemon: new BenchProcess(
      'node-daemon',
      'node-daemon/src/main.js',
      {
        ...common,
        CONTROL_PLANE_URL: url,
        HEARTBEAT_INTERVAL_MS: String(heartbeatMs),
        NODE_DATA_DIR: join(runDir, 'hollow'),
      },
      join(runDir, 'node-daemon.log'),
      ['--driver', 'sim', '--count', String(nodes)],
    ),
  };
  try {
    procs.controlPlane.start();
    procs.projector.start();
    await waitFor('the control plane', () => gql('{ apps { name } }'), 60_000);
    procs.daemon.start();
    await waitFor(
      `${nodes} nodes registered and heard`,
      async () => {
        // The log, not the registry read model: on a busy machine the projector may trail, and the window needs none of it.
        const { rows } = await db.query<{ n: number }>(
          `SELECT count(DISTINCT stream_id)::int AS n FROM events WHERE type = 'NodeRegistered'`,
        );
        const r = await gql<{ failureDetector: { nodesHeard: number } }>('{ failureDetector { nodesHeard } }');
        console.log(`registered ${rows[0].n}, heard ${r.failureDetector.nodesHeard} of ${nodes}`);
        return rows[0].n >= nodes && r.failureDetector.nodesHeard >= nodes ? true : null;
      },
      1_200_000,
    );
    // Let registration's work settle before the window: the window is heartbeats alone.
    await sleep(10_000);
    const cp0 = procs.controlPlane.usage().cpuSeconds;
    const pr0 = procs.projector.usage().cpuSeconds;
    const hb0 = await received();
    const t0 = Date.now();
    await sleep(windowS * 1000);
    const hb1 = await received();
    const elapsedS = (Date.now() - t0) / 1000;
    const cpuCp = procs.controlPlane.usage().cpuSeconds - cp0;
    const cpuPr = procs.projector.usage().cpuSeconds - pr0;

    let bytes = 0;
    let lines = 0;
    const s0 = procs.controlPlane.usage().cpuSeconds;
    const w0 = Date.now();
    for (let i = 0; i < scrapes; i++) {
      const text = await scrape();
      bytes = text.length;
      lines = text.split('\n').filter((l) => l && !l.startsWith('#')).length;
    }
    const scrapeCpu = (procs.controlPlane.usage().cpuSeconds - s0) / scrapes;
    const scrapeMs = (Date.now() - w0) / scrapes;

    const plain = heartbeatMessage('hollow-4999', new Date(), 123456).value.length;
    const ready = { ready: true, reconcile: { lastOkAt: new Date().toISOString(), error: null } };
    const full = heartbeatMessage('hollow-4999', new Date(), 123456, ready, { cpuPercent: 137.5, memoryMiB: 12345 })
      .value.length;
    const withoutUsage = heartbeatMessage('hollow-4999', new Date(), 123456, ready).value.length;
    const perSecond = (hb1 - hb0) / elapsedS;
    const [load1] = loadavg();
    saveReport('heartbeat-cost', {
      nodes,
      heartbeatIntervalMs: heartbeatMs,
      loadAverageAtEnd: +load1.toFixed(1),
      windowSeconds: Math.round(elapsedS),
      heartbeats: {
        messagesPerSecond: Math.round(perSecond),
        controlPlaneCores: +(cpuCp / elapsedS).toFixed(3),
        controlPlaneMicrosPerMessage: Math.round((cpuCp / (hb1 - hb0)) * 1e6),
        projectorCores: +(cpuPr / elapsedS).toFixed(3),
      },
      heartbeatBytes: {
        hollow: plain,
        dockerNodeWithoutUsage: withoutUsage,
        dockerNodeWithUsage: full,
        usageAddsBytesPerSecondAtThisRate: Math.round((full - withoutUsage) * perSecond),
      },
      controlPlaneScrape: {
        scrapes,
        samples: lines,
        bytes,
        wallMsPerScrape: Math.round(scrapeMs),
        cpuMsPerScrape: Math.round(scrapeCpu * 1000),
        coresAt15sInterval: +(scrapeCpu / 15).toFixed(4),
      },
      peakRssMiB: {
        controlPlane: procs.controlPlane.usage().peakRssMiB,
        projector: procs.projector.usage().peakRssMiB,
      },
    });
  } finally {
    await Promise.all([procs.daemon.stop(), procs.projector.stop(), procs.controlPlane.stop()]);
    await db.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    const kafka = new Kafka({ clientId: 'bench-heartbeat-cost', brokers: BROKERS, logLevel: logLevel.NOTHING }).admin();
    await kafka.connect();
    const topics = (await kafka.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
    if (topics.length) await kafka.deleteTopics({ topics }).catch((err: Error) => console.error(err.message));
    await kafka.disconnect();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
