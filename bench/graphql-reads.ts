/**
 * graphql-reads measures GraphQL reads: it starts its own control plane, projector and a sim node daemon (own database,
 * topic prefix and port), deploys apps of 5 instances on hollow nodes, stops the daemon and projector (the read models stay),
 * then measures `app(name)`, `apps`, `nodes` and the framework floor `{ __typename }`: saturated requests/s at 16
 * connections with Debian's `wrk` (a Lua POST body), and p50/p99 at a fixed rate with autocannon. A bare Node `http`
 * server answering the same queries from memory (the control plane's own answers) runs in the same run under the same
 * load, so every figure also reads as a ratio against it.
 * Usage: node dist/bench/graphql-reads.js [seconds=10] [rate=500] [apps=20] [nodes=10]
 * Env: BENCH_PORT (18490 + MAMMOTH_TEST_PORT_OFFSET; the bare server takes the next port), BENCH_PROFILE=1 writes a
 * --cpu-prof of the control plane (covering the runs) to .run/bench-prof/.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { Pool } from 'pg';
import { runMigrations } from '../migrations/data-source';
import { BENCH_AUTH, bootstrapBenchToken } from './auth';
import { CleanUps, dropBenchState, runBench, uploadHollowPackage, waitFor } from './lifecycle';
import { BenchProcess } from './processes';
import { saveReport } from './report';

const ADMIN = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const ROOT = process.env.MAMMOTH_ROOT ?? join(__dirname, '..', '..');
const PORT = Number(process.env.BENCH_PORT ?? 18490 + Number(process.env.MAMMOTH_TEST_PORT_OFFSET ?? 0));
const CONNECTIONS = 16;
const INSTANCES_PER_APP = 5;

/** QUERIES are the reads measured, each with the variables it is sent with. */
const QUERIES: Record<string, { query: string; variables?: Record<string, unknown> }> = {
  floor: { query: '{ __typename }' },
  app: {
    query:
      'query App($name: String!) { app(name: $name) { name status desired running healthy package { name version } ' +
      'instances { id nodeId host port state health } } }',
    variables: { name: 'bench-0' },
  },
  apps: { query: '{ apps { name status desired running instances { id nodeId host port state } } }' },
  nodes: { query: '{ nodes { id hostname address cpus memoryMiB status labels { key value } } }' },
};

/** RunFigures are one load run's figures against one server. */
interface RunFigures {
  requestsPerSecond: number;
  /** cpuMsPerRequest is the server process's CPU time (user and system) per request answered. */
  cpuMsPerRequest?: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

async function post(url: string, body: string): Promise<string> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...BENCH_AUTH },
    body,
  });
  const text = await res.text();
  const parsed = JSON.parse(text) as { errors?: { message: string }[] };
  if (res.status !== 200 || parsed.errors?.length) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
  return text;
}

/** durationMs reads one of wrk's latency figures (`812.00us`, `3.25ms`, `1.02s`). */
function durationMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!m) throw new Error(`unreadable wrk duration ${text}`);
  return +(Number(m[1]) * { us: 0.001, ms: 1, s: 1000, m: 60000 }[m[2] as 'us' | 'ms' | 's' | 'm']).toFixed(2);
}

/**
 * wrk runs Debian's wrk at CONNECTIONS connections for `seconds`, POSTing `body` to `server`, and reads requests/s, p50/p99
 * and the server's CPU time per request (a figure that a machine shared with other work changes less than requests/s).
 */
async function wrk(server: Target, body: string, seconds: number, scriptDir: string): Promise<RunFigures> {
  const cpu0 = server.proc.usage().cpuSeconds;
  const script = join(scriptDir, 'post.lua');
  const headers = Object.entries({ 'content-type': 'application/json', ...BENCH_AUTH })
    .map(([k, v]) => `wrk.headers["${k}"] = [==[${v}]==]`)
    .join('\n');
  writeFileSync(script, `wrk.method = "POST"\nwrk.body = [==[${body}]==]\n${headers}\n`);
  const { stdout } = await promisify(execFile)('wrk', [
    '-t2',
    `-c${CONNECTIONS}`,
    `-d${seconds}s`,
    '--latency',
    '-s',
    script,
    `${server.url}/graphql`,
  ]);
  const cpuSeconds = server.proc.usage().cpuSeconds - cpu0;
  const line = (re: RegExp) => re.exec(stdout)?.[1];
  const rps = line(/Requests\/sec:\s+([\d.]+)/);
  if (!rps) throw new Error(`unreadable wrk output:\n${stdout}`);
  const errors =
    Number(line(/Non-2xx or 3xx responses:\s+(\d+)/) ?? 0) +
    (/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/
      .exec(stdout)
      ?.slice(1)
      .reduce((a, b) => a + Number(b), 0) ?? 0);
  const requests = Number(line(/(\d+) requests in/) ?? 0);
  return {
    requestsPerSecond: Math.round(Number(rps)),
    cpuMsPerRequest: +((cpuSeconds * 1000) / Math.max(requests, 1)).toFixed(3),
    p50Ms: durationMs(line(/\n\s+50%\s+(\S+)/) ?? ''),
    p99Ms: durationMs(line(/\n\s+99%\s+(\S+)/) ?? ''),
    errors,
  };
}

/** Target is a server under load: where it answers and its process. */
interface Target {
  url: string;
  proc: BenchProcess;
}

/** fixedRate sends `rate` requests/s for `seconds` with autocannon (16 connections) and reads p50/p99. */
async function fixedRate(url: string, body: string, seconds: number, rate: number): Promise<RunFigures> {
  const r = await autocannon({
    url: `${url}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...BENCH_AUTH },
    body,
    connections: CONNECTIONS,
    overallRate: rate,
    duration: seconds,
  });
  return {
    requestsPerSecond: Math.round(r.requests.total / seconds),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx,
  };
}

/** bareServer answers each query from memory with the control plane's own answer, after reading and parsing the body. */
function bareServer(port: number, answersFile: string): void {
  const answers = new Map(Object.entries(JSON.parse(readFileSync(answersFile, 'utf8')) as Record<string, string>));
  createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { query } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { query: string };
      const answer = req.headers.authorization ? answers.get(query) : undefined;
      res.writeHead(answer ? 200 : 400, { 'content-type': 'application/json' }).end(answer ?? '{"errors":[]}');
    });
  }).listen(port, '127.0.0.1');
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 10);
  const rate = Number(process.argv[3] ?? 500);
  const apps = Number(process.argv[4] ?? 20);
  const nodes = Number(process.argv[5] ?? 10);
  const stamp = Date.now();
  const dbName = `mammoth_bench_reads_${stamp}`;
  const dbUrl = ADMIN.replace(/\/[^/]*$/, `/${dbName}`);
  const prefix = `benchreads${stamp.toString(36)}`;
  const runDir = join(ROOT, '.run', 'bench', prefix);
  const profDir = join(ROOT, '.run', 'bench-prof');
  mkdirSync(runDir, { recursive: true });
  const url = `http://127.0.0.1:${PORT}`;
  const bareUrl = `http://127.0.0.1:${PORT + 1}`;
  const common = { DATABASE_URL: dbUrl, KAFKA_BROKERS: BROKERS.join(','), MAMMOTH_TOPIC_PREFIX: prefix };
  cleanUps.push(() => dropBenchState(ADMIN, BROKERS, dbName, prefix));
  await runMigrations({ url: dbUrl });
  Object.assign(common, { MAMMOTH_TOKEN_FILE: bootstrapBenchToken(dbUrl, runDir) });
  const db = new Pool({ connectionString: dbUrl, max: 1 });
  cleanUps.push(() => db.end());
  const profile = process.env.BENCH_PROFILE === '1';
  const procs = {
    controlPlane: new BenchProcess(
      'control-plane',
      'control-plane/src/main.js',
      // No failure detector: the hollow nodes stop heartbeating once seeded, and the reads must see a quiet cluster.
      { ...common, PORT: String(PORT), MAMMOTH_DATA_DIR: join(runDir, 'cp'), FAILURE_DETECTOR: 'off' },
      join(runDir, 'control-plane.log'),
      [],
      profile ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=graphql-reads-${stamp}.cpuprofile`] : [],
    ),
    projector: new BenchProcess('projector', 'projector/src/main.js', common, join(runDir, 'projector.log')),
    daemon: new BenchProcess(
      'node-daemon',
      'node-daemon/src/main.js',
      { ...common, CONTROL_PLANE_URL: url, NODE_ID_PREFIX: 'hollow', NODE_DATA_DIR: join(runDir, 'node') },
      join(runDir, 'node-daemon.log'),
      ['--driver', 'sim', '--count', String(nodes)],
    ),
    bare: new BenchProcess('bare-http', '../bench/graphql-reads.js', {}, join(runDir, 'bare.log'), [
      '--bare',
      String(PORT + 1),
      join(runDir, 'answers.json'),
    ]),
  };
  cleanUps.push(async () => void (await Promise.all(Object.values(procs).map((p) => p.stop()))));
  try {
    procs.controlPlane.start();
    procs.projector.start();
    await waitFor('the control plane', () => post(url, JSON.stringify(QUERIES.floor)), 120000);
    procs.daemon.start();
    await waitFor(
      `${nodes} registered nodes`,
      async () => (Number((await db.query('SELECT count(*) AS n FROM rm_nodes')).rows[0].n) >= nodes ? true : null),
      300000,
      500,
    );
    await uploadHollowPackage(url, ROOT);
    for (let i = 0; i < apps; i++)
      await post(
        url,
        JSON.stringify({
          query: 'mutation($input: DeployAppInput!) { deployApp(input: $input) { name } }',
          variables: {
            input: { name: `bench-${i}`, package: 'hollow', instances: INSTANCES_PER_APP, cpus: 0.1, memoryMiB: 64 },
          },
        }),
      );
    const total = apps * INSTANCES_PER_APP;
    await waitFor(
      `${total} running instances`,
      async () => {
        const r = await db.query(`SELECT count(*) AS n FROM rm_instances WHERE state = 'running' AND desired = 'run'`);
        return Number(r.rows[0].n) >= total ? true : null;
      },
      600000,
      500,
    );
    await Promise.all([procs.daemon.stop(), procs.projector.stop()]);

    const bodies = Object.fromEntries(Object.entries(QUERIES).map(([k, q]) => [k, JSON.stringify(q)]));
    const answers: Record<string, string> = {};
    for (const [k, q] of Object.entries(QUERIES)) answers[q.query] = await post(url, bodies[k]);
    const appAnswer = JSON.parse(answers[QUERIES.app.query]) as { data: { app: { instances: unknown[] } } };
    if (appAnswer.data.app.instances.length !== INSTANCES_PER_APP)
      throw new Error(`app(name) answered ${appAnswer.data.app.instances.length} instances`);
    writeFileSync(join(runDir, 'answers.json'), JSON.stringify(answers));
    procs.bare.start();
    await waitFor('the bare server', () => post(bareUrl, bodies.floor), 30000);

    const loadAverageBefore = os.loadavg().map((l) => +l.toFixed(2));
    const results: Record<string, Record<string, unknown>> = {};
    const cp = { url, proc: procs.controlPlane };
    const bareTarget = { url: bareUrl, proc: procs.bare };
    for (const name of Object.keys(QUERIES)) {
      await wrk(cp, bodies[name], Math.min(3, seconds), runDir); // warm-up: the JIT, the pools
      const mammoth = { saturated: await wrk(cp, bodies[name], seconds, runDir) };
      const bare = { saturated: await wrk(bareTarget, bodies[name], seconds, runDir) };
      const fixed = { mammoth: await fixedRate(url, bodies[name], seconds, rate) };
      const bareFixed = await fixedRate(bareUrl, bodies[name], seconds, rate);
      results[name] = {
        mammoth: { ...mammoth, fixedRate: fixed.mammoth },
        bareNodeHttp: { ...bare, fixedRate: bareFixed },
        saturatedRatio: +(mammoth.saturated.requestsPerSecond / bare.saturated.requestsPerSecond).toFixed(3),
        cpuPerRequestRatio: +(mammoth.saturated.cpuMsPerRequest! / bare.saturated.cpuMsPerRequest!).toFixed(1),
        fixedRateP99Ratio: +(fixed.mammoth.p99Ms / Math.max(bareFixed.p99Ms, 0.01)).toFixed(2),
      };
      console.error(`${name}: ${JSON.stringify(results[name])}`);
    }
    for (const [k, q] of Object.entries(QUERIES))
      if ((await post(url, bodies[k])) !== answers[q.query] && k !== 'floor')
        console.error(`${k}: the answer changed during the run`);
    saveReport('graphql-reads', {
      seconds,
      connections: CONNECTIONS,
      fixedRate: rate,
      apps,
      instancesPerApp: INSTANCES_PER_APP,
      nodes,
      loadAverageBefore,
      loadAverageAfter: os.loadavg().map((l) => +l.toFixed(2)),
      queries: Object.fromEntries(Object.entries(QUERIES).map(([k, q]) => [k, q.query])),
      results,
      peakRssMiB: { controlPlane: procs.controlPlane.usage().peakRssMiB },
      tools: `wrk -t2 -c${CONNECTIONS} (saturated, closed loop); autocannon overallRate ${rate} (fixed rate)`,
    });
  } finally {
    await cleanUps.run();
  }
}

/** cleanUps holds what main started. */
const cleanUps = new CleanUps();

if (process.argv[2] === '--bare') {
  bareServer(Number(process.argv[3]), process.argv[4]);
} else {
  runBench(main, cleanUps);
}
