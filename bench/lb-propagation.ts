/**
 * lb-propagation measures how long nginx takes to follow the cluster: from an instance becoming healthy (the timestamp of its
 * InstanceHealthChanged event with healthy true: the app has an HTTP health check, so nginx must not route to it before) to
 * nginx first proxying a request to it, and from an instance being stopped (its InstanceStopRequested
 * event's timestamp) to nginx serving every new request with the configuration that no longer has it. It starts its own control plane, projector, Docker node daemon and
 * nginx companion (own database and topic prefix), deploys the test image, then scales one app between 1 and 2 instances,
 * one change at a time, while a client sends requests through nginx back to back on new connections.
 * Usage: node dist/bench/lb-propagation.js [changes=100]
 * Env: BENCH_CP_PORT (18686), BENCH_NGINX_PORT (18687), BENCH_NODE_PORTS (32200-32249): do not run it alongside test/nginx.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { Client, Pool } from 'pg';
import { runMigrations } from '../migrations/data-source';
import { BENCH_AUTH, bootstrapBenchToken } from './auth';
import { waitFor as waitUntil } from './lifecycle';
import { BenchProcess } from './processes';
import { percentile, saveReport } from './report';

const run = promisify(execFile);
const ADMIN = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const ROOT = join(__dirname, '..', '..');
const CP_PORT = Number(process.env.BENCH_CP_PORT ?? 18686);
const NGINX_PORT = Number(process.env.BENCH_NGINX_PORT ?? 18687);
const NODE_PORTS = process.env.BENCH_NODE_PORTS ?? '32200-32249';
const url = `http://127.0.0.1:${CP_PORT}`;

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

/** waitFor polls every 50 ms unless told otherwise. */
const waitFor = <T>(what: string, fn: () => Promise<T | null>, timeoutMs: number, everyMs = 50) =>
  waitUntil(what, fn, timeoutMs, everyMs);

/** Sample is one request through nginx: when it was answered, its status, the lb-config version and the endpoint(s) tried. */
interface Sample {
  at: number;
  status: number;
  version: number;
  upstream: string;
}

/** Prober sends requests for `Host: <app>` through nginx back to back, each on a new connection, and keeps every answer. */
class Prober {
  readonly samples: Sample[] = [];
  private running = false;
  private loop: Promise<void> | null = null;

  constructor(private readonly host: string) {}

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        this.samples.push(await this.once());
        await new Promise((r) => setImmediate(r));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private once(): Promise<Sample> {
    return new Promise((resolve) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: NGINX_PORT,
          path: '/healthz',
          headers: { host: this.host },
          agent: false,
          timeout: 2000,
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            resolve({
              at: Date.now(),
              status: res.statusCode ?? 0,
              version: Number(res.headers['x-mammoth-lb-version'] ?? -1),
              upstream: String(res.headers['x-mammoth-upstream'] ?? ''),
            }),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve({ at: Date.now(), status: 0, version: -1, upstream: '' }));
      req.end();
    });
  }
}

async function main(): Promise<void> {
  const changes = Number(process.argv[2] ?? 100);
  const stamp = Date.now();
  const dbName = `mammoth_bench_lb_${stamp}`;
  const dbUrl = ADMIN.replace(/\/[^/]*$/, `/${dbName}`);
  const prefix = `benchlb${stamp.toString(36)}`;
  const nodeId = `bench-lb-${stamp.toString(36)}`;
  const runDir = join(ROOT, '.run', 'bench', prefix);
  const nginxDir = join(runDir, 'nginx');
  mkdirSync(runDir, { recursive: true });
  await run('bash', [join(ROOT, 'scripts', 'infra', 'nginx.sh'), 'install']);
  const tar = join(ROOT, '.run', 'images', 'bench_lb.tar');
  mkdirSync(join(ROOT, '.run', 'images'), { recursive: true });
  await run('bash', [join(ROOT, 'scripts', 'images', 'build-test-image.sh'), 'mammoth-bench/lb:1', tar]);

  const common: Record<string, string> = {
    DATABASE_URL: dbUrl,
    KAFKA_BROKERS: BROKERS.join(','),
    MAMMOTH_TOPIC_PREFIX: prefix,
    EVENT_TOPIC_PARTITIONS: '3',
  };
  await runMigrations({ url: dbUrl });
  Object.assign(common, { MAMMOTH_TOKEN_FILE: bootstrapBenchToken(dbUrl, runDir) });
  const db = new Pool({ connectionString: dbUrl, max: 2 });
  db.on('error', (err) => console.error(`bench database connection: ${err.message}`));
  const procs = {
    controlPlane: new BenchProcess(
      'control-plane',
      'control-plane/src/main.js',
      { ...common, PORT: String(CP_PORT), MAMMOTH_DATA_DIR: join(runDir, 'cp') },
      join(runDir, 'control-plane.log'),
    ),
    projector: new BenchProcess('projector', 'projector/src/main.js', common, join(runDir, 'projector.log')),
    daemon: new BenchProcess(
      'node-daemon',
      'node-daemon/src/main.js',
      {
        ...common,
        CONTROL_PLANE_URL: url,
        NODE_ID: nodeId,
        NODE_PORT_RANGE: NODE_PORTS,
        NODE_DATA_DIR: join(runDir, 'node'),
        HEARTBEAT_INTERVAL_MS: '1000',
      },
      join(runDir, 'node-daemon.log'),
    ),
    companion: new BenchProcess(
      'nginx-companion',
      'nginx-companion/src/main.js',
      {
        CONTROL_PLANE_URL: url,
        NGINX_LISTEN_PORT: String(NGINX_PORT),
        NGINX_RUN_DIR: nginxDir,
        MAMMOTH_TOKEN_FILE: common.MAMMOTH_TOKEN_FILE,
      },
      join(runDir, 'nginx-companion.log'),
    ),
  };
  const prober = new Prober('lb');
  try {
    procs.controlPlane.start();
    procs.projector.start();
    await waitFor('the control plane', () => gql('{ apps { name } }'), 60_000, 250);
    procs.daemon.start();
    procs.companion.start();
    await waitFor(
      'the node',
      async () =>
        (await gql<{ nodes: { id: string }[] }>('{ nodes { id } }')).nodes.some((n) => n.id === nodeId) ? true : null,
      60_000,
      250,
    );
    const form = new FormData();
    form.set('file', new Blob([readFileSync(tar)]), 'package.tar');
    form.set('name', 'lb');
    form.set('version', '1');
    const up = await fetch(`${url}/packages`, { method: 'POST', body: form, headers: BENCH_AUTH });
    if (up.status !== 201) throw new Error(`package upload answered HTTP ${up.status}: ${await up.text()}`);
    await gql(
      'mutation { deployApp(input: { name: "lb", package: "lb", instances: 1, cpus: 0.05, memoryMiB: 16, healthCheck: { kind: HTTP, path: "/", intervalMs: 500 } }) { name } }',
    );

    prober.start();
    await waitFor('nginx to serve the app', async () => (prober.samples.at(-1)?.status === 200 ? true : null), 60_000);
    await new Promise((r) => setTimeout(r, 500)); // the reload that made it routable has finished: old workers no longer accept
    const measuredFrom = prober.samples.length; // before this, the app was still starting: 404 then 503 are expected
    const up_: number[] = [];
    const down: number[] = [];
    let after = BigInt((await db.query<{ m: string }>('SELECT max(position)::text AS m FROM events')).rows[0].m);
    for (let i = 0; i < changes; i++) {
      const scaleUp = i % 2 === 0;
      const from = prober.samples.length;
      await gql(`mutation { scaleApp(name: "lb", instances: ${scaleUp ? 2 : 1}) { desired } }`);
      const type = scaleUp ? 'InstanceHealthChanged' : 'InstanceStopRequested';
      const ev = await waitFor(
        `${type} #${i}`,
        async () => {
          const r = await db.query<{ position: string; id: string; ts: string }>(
            `SELECT position::text, data->>'instanceId' AS id, metadata->>'timestamp' AS ts FROM events
            WHERE position > $1 AND type = $2 AND data->>'app' = 'lb' AND (type <> 'InstanceHealthChanged' OR (data->>'healthy')::boolean)
            ORDER BY position LIMIT 1`,
            [after.toString(), type],
          );
          return r.rows[0] ?? null;
        },
        60_000,
      );
      after = BigInt(ev.position);
      const endpoint = (
        await db.query<{ ep: string }>(
          `SELECT data->>'host' || ':' || (data->>'port') AS ep FROM events WHERE type = 'InstancePlaced' AND data->>'instanceId' = $1`,
          [ev.id],
        )
      ).rows[0].ep;
      const t0 = Date.parse(ev.ts);
      let ms: number;
      if (scaleUp) {
        // Routed: the first request nginx proxies to the new instance.
        const hit = await waitFor(
          `nginx to route to ${endpoint}`,
          async () =>
            prober.samples.slice(from).find((s) => s.status === 200 && s.upstream.split(', ').at(-1) === endpoint) ??
            null,
          30_000,
          5,
        );
        ms = hit.at - t0;
        if (ms < 0) throw new Error(`nginx routed to ${endpoint} ${-ms} ms before it was healthy`);
        up_.push(ms);
      } else {
        // No longer routed: the first answer served with the lb-config version that dropped the instance, after which no
        // answer comes from an older configuration (a reload overlaps old and new workers for a moment); checked for 300 ms.
        const version = await waitFor(
          'the lb-config version that drops it',
          async () =>
            (
              await db.query<{ v: number | null }>(
                'SELECT min(version) AS v FROM lb_config_versions WHERE position >= $1',
                [ev.position],
              )
            ).rows[0].v,
          30_000,
          5,
        );
        const settled = await waitFor(
          `nginx to serve lb-config version ${version}`,
          async () => {
            const window = prober.samples.slice(from).filter((s) => s.status === 200);
            const next = window[window.map((s) => s.version < version).lastIndexOf(true) + 1];
            return next && Date.now() - next.at > 300 ? next : null;
          },
          30_000,
          20,
        );
        if (prober.samples.slice(prober.samples.indexOf(settled)).some((s) => s.upstream.includes(endpoint)))
          throw new Error(`nginx still routes to ${endpoint} under version ${version}`);
        ms = Math.max(0, settled.at - t0);
        down.push(ms);
      }
      await waitFor(
        'the instance count to settle',
        async () => {
          const s = await gql<{ service: { endpoints: unknown[] } | null }>(
            '{ service(name: "lb") { endpoints { port } } }',
          );
          return s.service?.endpoints.length === (scaleUp ? 2 : 1) ? true : null;
        },
        60_000,
      );
      if ((i + 1) % 10 === 0)
        console.error(`${i + 1}/${changes} changes; last ${scaleUp ? 'healthy' : 'stopped'} -> routed in ${ms} ms`);
    }
    await prober.stop();
    const all = [...up_, ...down];
    const measured = prober.samples.slice(measuredFrom);
    const failed = measured.filter((s) => s.status !== 200).length;
    const failedByStatus: Record<string, number> = {};
    for (const s of measured) if (s.status !== 200) failedByStatus[s.status] = (failedByStatus[s.status] ?? 0) + 1;
    const failedVersions = [...new Set(measured.filter((s) => s.status !== 200).map((s) => s.version))];
    const failedUnder = (
      await db.query('SELECT version, upstreams FROM lb_config_versions WHERE version = ANY($1::int[])', [
        failedVersions,
      ])
    ).rows;
    const versions = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM lb_config_versions')).rows[0].n);
    const applyMs = [
      ...readFileSync(join(runDir, 'nginx-companion.log'), 'utf8').matchAll(
        /applied lb-config version \d+ \(\S+\) in (\d+) ms/g,
      ),
    ].map((m) => Number(m[1]));
    const stats = (xs: number[]) => ({
      samples: xs.length,
      p50: Math.round(percentile(xs, 50)),
      p99: Math.round(percentile(xs, 99)),
      max: Math.round(Math.max(...xs)),
    });
    saveReport('lb-propagation', {
      changes: all.length,
      propagationMs: stats(all),
      healthyToRoutedMs: stats(up_),
      stoppedToUnroutedMs: stats(down),
      goalP99Ms: 1000,
      companionApplyMs: stats(applyMs),
      lbConfigVersions: versions,
      requestsThroughNginx: measured.length,
      failedRequests: failed,
      failedByStatus,
      failedUnder,
      path: 'event committed -> LogWatermark (NOTIFY) -> lb-config log projection -> lb_config_versions (NOTIFY) -> lbConfig subscription (graphql-ws) -> companion: nginx -t, nginx -s reload, wait until old workers stop accepting -> request proxied',
      clock: "the event's metadata timestamp (control plane clock, same machine) to the client's answer",
    });
  } finally {
    await prober.stop();
    await Promise.all([procs.companion.stop(), procs.daemon.stop(), procs.projector.stop(), procs.controlPlane.stop()]);
    await run('bash', [join(ROOT, 'scripts', 'infra', 'nginx.sh'), 'stop', nginxDir]).catch(() => undefined);
    const containers = (await run('docker', ['ps', '-aq', '--filter', `label=mammoth.node=${nodeId}`])).stdout
      .split('\n')
      .filter(Boolean);
    if (containers.length) await run('docker', ['rm', '-f', ...containers]).catch(() => undefined);
    await db.end();
    const admin = new Client({ connectionString: ADMIN });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
    const kafka = new Kafka({ clientId: 'bench-cleanup', brokers: BROKERS, logLevel: logLevel.NOTHING }).admin();
    await kafka.connect();
    const topics = (await kafka.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
    if (topics.length)
      await kafka.deleteTopics({ topics }).catch((err: Error) => console.error(`cannot delete topics: ${err.message}`));
    await kafka.disconnect();
  }
}

main().catch((err) => {
  console.error(`lb-propagation: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
