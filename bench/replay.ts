/**
 * replay measures read-model rebuilds from the event store: it writes a log of N events (a realistic mix: nodes
 * registering, apps deployed, each instance placed on a node, assigned, running and healthy, a tenth of them flapping
 * unhealthy and back) in its own database, then rebuilds the registry, capacity and lb-config read models from it, each
 * in a fresh process through the projector's own code (`rebuild --from store`'s replayFromStore for the registry and
 * capacity, the log projection runner for lb-config), and reports events/s and each process's peak RSS. With
 * BENCH_BASELINE_DIST set to another build's dist folder (e.g. main's), the same rebuilds run with that build's projector
 * code on the same log in the same run, so the figures also read as a ratio.
 * Usage: node dist/bench/replay.js [events=1000000] [nodes=1000] [instancesPerApp=500]
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, Pool } from 'pg';
import { definitionOf } from '@mammoth/events';
import { runMigrations } from '../migrations/data-source';
import { saveReport } from './report';

const ADMIN = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** PROJECTIONS are the read models rebuilt, with the table whose row count tells the rebuild is whole. */
const PROJECTIONS = {
  registry: 'rm_instances',
  capacity: 'rm_capacity_assignments',
  'lb-config': 'lb_config_versions',
};
type ProjectionName = keyof typeof PROJECTIONS;

/** LogEvent is one event as the bench writes it to the events table. */
interface LogEvent {
  streamId: string;
  streamVersion: number;
  type: string;
  data: unknown;
  correlationId: string;
}

const uuid = (n: number, kind: number) =>
  `00000000-0000-4${kind.toString(16).padStart(3, '0')}-8000-${n.toString(16).padStart(12, '0')}`;

/** history yields a cluster's log of about `total` events, commit by commit. */
function* history(total: number, nodes: number, perApp: number): Generator<LogEvent[]> {
  const versions = new Map<string, number>();
  let commit = 0;
  const write = (streamId: string, type: string, data: unknown): LogEvent => {
    const streamVersion = (versions.get(streamId) ?? 0) + 1;
    versions.set(streamId, streamVersion);
    return { streamId, streamVersion, type, data, correlationId: `c${commit}` };
  };
  const pkg = { name: 'hollow', version: '1', digest: `sha256:${'a'.repeat(64)}`, format: 'image', imageRef: 'h:1' };
  const resources = { cpuMillis: 10, memoryMiB: 16, diskMiB: 0 };
  let written = 0;
  const emit = (events: LogEvent[]) => {
    commit++;
    written += events.length;
    return events;
  };
  yield emit([write('package-hollow', 'PackageUploaded', { ...pkg, sizeBytes: 1000 })]);
  for (let n = 0; n < nodes; n++)
    yield emit([
      write(`node-n${n}`, 'NodeRegistered', {
        nodeId: `n${n}`,
        hostname: `n${n}`,
        address: '127.0.0.1',
        capacity: { cpuMillis: 64000, memoryMiB: 262144, diskMiB: 0 },
        portRange: { from: 20000, to: 29999 },
        labels: { zone: `z${n % 3}` },
        driver: 'sim',
      }),
    ]);
  let instance = 0;
  for (let a = 0; written < total; a++) {
    const app = `app-${a}`;
    yield emit([
      write(`app-${app}`, 'AppDeployed', { name: app, package: pkg, instances: perApp, resources, env: {} }),
    ]);
    for (let i = 0; i < perApp && written < total; i++, instance++) {
      const instanceId = uuid(instance, 0);
      const nodeId = `n${instance % nodes}`;
      const port = 20000 + Math.floor(instance / nodes);
      const report = { instanceId, app, nodeId };
      yield emit([
        write(`app-${app}`, 'InstancePlaced', { app, instanceId, nodeId, host: '127.0.0.1', port }),
        write(`node-${nodeId}`, 'InstanceAssigned', { instanceId, app, package: pkg, resources, port, env: {} }),
      ]);
      yield emit([write(`instance-${instanceId}`, 'InstanceRunning', { ...report, containerId: `c${instance}` })]);
      const health = (healthy: boolean) =>
        emit([write(`instance-${instanceId}`, 'InstanceHealthChanged', { ...report, healthy, message: 'HTTP 200' })]);
      yield health(true);
      if (instance % 10 === 9) {
        yield health(false);
        yield health(true);
      }
    }
  }
}

/** writeLog writes the history to the events table in large multi-row statements and returns how many events it wrote. */
async function writeLog(db: Pool, total: number, nodes: number, perApp: number): Promise<number> {
  const cols: [string[], number[], string[], number[], string[], string[], string[]] = [[], [], [], [], [], [], []];
  let count = 0;
  const t0 = Date.parse('2026-12-01T00:00:00Z');
  const flush = async () => {
    if (!cols[0].length) return;
    await db.query(
      `INSERT INTO events (stream_id, stream_version, type, schema_version, data, metadata, event_id)
       SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::int[], $5::jsonb[], $6::jsonb[], $7::uuid[])`,
      cols,
    );
    for (const c of cols) c.length = 0;
  };
  for (const commit of history(total, nodes, perApp)) {
    for (const e of commit) {
      const eventId = randomUUID();
      const metadata = {
        eventId,
        correlationId: e.correlationId,
        causationId: null,
        actor: 'bench',
        timestamp: new Date(t0 + count).toISOString(),
      };
      cols[0].push(e.streamId);
      cols[1].push(e.streamVersion);
      cols[2].push(e.type);
      cols[3].push(definitionOf(e.type)!.version);
      cols[4].push(JSON.stringify(e.data));
      cols[5].push(JSON.stringify(metadata));
      cols[6].push(eventId);
      count++;
    }
    if (cols[0].length >= 20000) await flush();
  }
  await flush();
  await db.query(`INSERT INTO streams SELECT stream_id, max(stream_version) FROM events GROUP BY stream_id`);
  return count;
}

/** ChildResult is what one rebuild process reports. */
interface ChildResult {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  peakRssMiB: number;
  /** cpuSeconds is the CPU the rebuild used: its process, and its PostgreSQL backends (the machine's load aside). */
  cpuSeconds: { node: number; postgres: number };
  /** eventsPerCpuSecond is events over both CPU figures: the rate of one core doing nothing else, stages not overlapping. */
  eventsPerCpuSecond: number;
}

/** rebuildIn runs in a fresh process: it rebuilds one projection from the store with the projector code of `dist`. */
async function rebuildIn(dist: string, name: ProjectionName, dbUrl: string): Promise<ChildResult> {
  /* eslint-disable @typescript-eslint/no-require-imports -- the projector code of the build being measured */
  const mod = (path: string) => require(join(dist, 'apps', 'projector', 'src', path));
  const { LogWatermark } = require(join(dist, 'libs', 'event-store', 'src'));
  /* eslint-enable @typescript-eslint/no-require-imports */
  const pool = new Pool({ connectionString: dbUrl, max: 4 });
  const backends = new Set<number>();
  pool.on('connect', (c) => void backends.add((c as unknown as { processID: number }).processID));
  const watermark = new LogWatermark(pool, { connectionString: dbUrl });
  await watermark.start();
  const safe: bigint = watermark.position;
  let t0 = performance.now();
  const cpu0 = cpuSecondsOf('self');
  let events: number;
  if (name === 'lb-config') {
    const { LogProjectionRunner, storedPosition } = mod('runner/log-runner');
    const log = { log: () => undefined, warn: () => undefined, error: (m: string) => console.error(m) };
    const runner = new LogProjectionRunner(mod('lb-config/lb-config.projection').lbConfigProjection, {
      pool,
      watermark,
      log,
    });
    await mod('runner/log-runner').resetLogProjection(pool, runner.projection);
    t0 = performance.now();
    await runner.start();
    while ((await storedPosition(pool, 'lb-config')) < safe) await new Promise((r) => setTimeout(r, 50));
    await runner.stop();
    events = runner.stats.applied;
  } else {
    const projection =
      name === 'registry'
        ? mod('registry/registry.projection').registryProjection
        : mod('capacity/capacity.projection').capacityProjection;
    await mod('runner/reset').resetProjection(pool, projection);
    t0 = performance.now();
    events = (await mod('runner/store-replay').replayFromStore(pool, projection, safe)).applied;
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = {
    node: cpuSecondsOf('self') - cpu0,
    postgres: [...backends].reduce((a, pid) => a + cpuSecondsOf(pid), 0),
  };
  await watermark.stop();
  await pool.end();
  const hwmKiB = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);
  return {
    events,
    seconds: +seconds.toFixed(2),
    eventsPerSecond: Math.round(events / seconds),
    peakRssMiB: Math.round(hwmKiB / 1024),
    cpuSeconds: { node: +cpu.node.toFixed(1), postgres: +cpu.postgres.toFixed(1) },
    eventsPerCpuSecond: Math.round(events / (cpu.node + cpu.postgres)),
  };
}

/** cpuSecondsOf reads a process's CPU time (user and system) from /proc; a process gone reads 0. */
function cpuSecondsOf(pid: number | 'self'): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

/** rebuild runs one rebuild in a fresh process (it resets the projection first) and reads its report. */
async function rebuild(dist: string, name: ProjectionName, dbUrl: string): Promise<ChildResult> {
  const { stdout } = await promisify(execFile)(process.execPath, [__filename, '--child', dist, name, dbUrl], {
    maxBuffer: 1 << 20,
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as ChildResult;
}

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 1_000_000);
  const nodes = Number(process.argv[3] ?? 1000);
  const perApp = Number(process.argv[4] ?? 500);
  const dbName = `mammoth_bench_replay_${Date.now()}`;
  const dbUrl = ADMIN.replace(/\/[^/]*$/, `/${dbName}`);
  const db = new Pool({ connectionString: dbUrl, max: 1 });
  try {
    await runMigrations({ url: dbUrl });
    const w0 = performance.now();
    const events = await writeLog(db, total, nodes, perApp);
    const writeSeconds = (performance.now() - w0) / 1000;
    await db.query('VACUUM ANALYZE events');
    console.error(`wrote ${events} events in ${writeSeconds.toFixed(1)} s`);
    const builds: Record<string, string> = { current: join(__dirname, '..') };
    if (process.env.BENCH_BASELINE_DIST) builds.baseline = process.env.BENCH_BASELINE_DIST;
    const results: Record<string, Record<string, ChildResult & { rows: number }>> = {};
    const loadAverageBefore = os.loadavg().map((l) => +l.toFixed(2));
    for (const name of Object.keys(PROJECTIONS) as ProjectionName[])
      for (const [build, dist] of Object.entries(builds)) {
        const r = await rebuild(dist, name, dbUrl);
        const rows = Number((await db.query(`SELECT count(*) AS n FROM ${PROJECTIONS[name]}`)).rows[0].n);
        (results[name] ??= {})[build] = { ...r, rows };
        console.error(`${name} (${build}): ${JSON.stringify(results[name][build])}`);
      }
    const ratios = builds.baseline
      ? Object.fromEntries(
          Object.entries(results).map(([k, r]) => [
            k,
            +(r.current.eventsPerSecond / r.baseline.eventsPerSecond).toFixed(2),
          ]),
        )
      : undefined;
    saveReport('replay', {
      events,
      nodes,
      instancesPerApp: perApp,
      writeSeconds: +writeSeconds.toFixed(1),
      loadAverageBefore,
      loadAverageAfter: os.loadavg().map((l) => +l.toFixed(2)),
      goalEventsPerSecond: 100000,
      results,
      ...(ratios ? { currentOverBaseline: ratios, baselineDist: builds.baseline } : {}),
      note: 'events = the events of the projection’s categories (registry: all; capacity: node streams; lb-config: its types) applied',
    });
  } finally {
    await db.end();
    const admin = new Client({ connectionString: ADMIN });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
  }
}

if (process.argv[2] === '--child') {
  rebuildIn(process.argv[3], process.argv[4] as ProjectionName, process.argv[5]).then(
    (r) => console.log(JSON.stringify(r)),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
