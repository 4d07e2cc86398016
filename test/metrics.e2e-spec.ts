import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { WrkLoad } from './load/wrk-load';
import { buildTestImage, Cluster, eventually, MammothProcess, testPort } from './harness';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');
const NGINX_PORT = testPort(19291);
const PROMETHEUS_PORT = testPort(19292);
const PROM = `http://127.0.0.1:${PROMETHEUS_PORT}`;

interface Series {
  metric: Record<string, string>;
  value: [number, string];
}

/** promQuery runs an instant PromQL query through Prometheus' HTTP API. */
async function promQuery(expr: string): Promise<Series[]> {
  const res = await fetch(`${PROM}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as { status: string; error?: string; data: { result: Series[] } };
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
  return body.data.result;
}

describe('metrics: /metrics everywhere behind metrics:read, Prometheus scraping the registry’s targets, alerts', () => {
  const cluster = new Cluster({ from: testPort(32800), to: testPort(32849) }, testPort(19290), undefined, {
    controlPlaneEnv: { PROMETHEUS_URL: PROM },
    daemonEnv: { USAGE_INTERVAL_MS: '1000' },
  });
  const promDir = join(cluster.runDir, 'prometheus');
  const promEnv = () => ({
    ...process.env,
    PROMETHEUS_DIR: promDir,
    PROMETHEUS_PORT: String(PROMETHEUS_PORT),
    PROMETHEUS_SCRAPE_INTERVAL: '2s',
  });
  let companion: MammothProcess;
  let scraperToken: string;

  beforeAll(async () => {
    mkdirSync(promDir, { recursive: true });
    await cluster.start();
    const { createToken } = await cluster.gql<{ createToken: { secret: string } }>(
      'mutation { createToken(subject: "prometheus", policies: ["metrics"]) { secret } }',
    );
    scraperToken = createToken.secret;
    writeFileSync(join(promDir, 'scraper.token'), `${scraperToken}\n`, { mode: 0o600 });
    companion = cluster
      .newCompanion(NGINX_PORT, {
        NGINX_STOP_ON_EXIT: 'true',
        PROMETHEUS_TARGETS_FILE: join(promDir, 'targets.json'),
        PROMETHEUS_TARGETS_INTERVAL_MS: '1000',
      })
      .start();
    await run('bash', [join(ROOT, 'scripts/infra/prometheus.sh'), 'start'], { env: promEnv() });
    const [web, crashy] = await Promise.all([
      buildTestImage('mammoth-e2e/metrics-web:1', 'metrics'),
      buildTestImage('mammoth-e2e/metrics-crashy:1', 'crash loop', { CRASH_EXIT: '3' }),
    ]);
    expect((await cluster.upload(new Blob([await readFile(web)]), { name: 'web', version: '1' })).status).toBe(201);
    expect((await cluster.upload(new Blob([await readFile(crashy)]), { name: 'crashy', version: '1' })).status).toBe(
      201,
    );
  }, 300_000);

  afterAll(async () => {
    await run('bash', [join(ROOT, 'scripts/infra/prometheus.sh'), 'stop'], { env: promEnv() }).catch(() => undefined);
    await companion?.stop();
    await cluster.stop();
  }, 120_000);

  it('refuses /metrics without a token (401) or without metrics:read (403) on every process, and serves the scraper', async () => {
    await cluster.gql(
      'mutation { putPolicy(name: "reader", rules: [{capabilities: ["cluster:read"], resources: ["*"]}]) { name } }',
    );
    const { createToken } = await cluster.gql<{ createToken: { secret: string } }>(
      'mutation { createToken(subject: "carol", policies: ["reader"]) { secret } }',
    );
    const urls = [
      cluster.url,
      await cluster.projector.healthUrl(),
      await cluster.daemon.healthUrl(),
      await companion.healthUrl(),
    ];
    for (const url of urls) {
      expect((await fetch(`${url}/metrics`)).status).toBe(401);
      const bogus = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer mmt_nope_nope' } });
      expect(bogus.status).toBe(401);
      const carol = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${createToken.secret}` } });
      expect(carol.status).toBe(403);
      const ok = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${scraperToken}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toMatch(/^mammoth_process_cpu_seconds_total\{process="/m);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    }
  });

  it('Prometheus scrapes every process found through the registry, and an instance’s CPU rises under load', async () => {
    await cluster.gql(
      'mutation { deployApp(input: {name: "web", package: "web", version: "1", instances: 1, cpus: 0.5, memoryMiB: 64}) { name } }',
    );
    const instance = await eventually(
      async () => {
        const { app } = await cluster.gql<{ app: { instances: { id: string; state: string }[] } }>(
          '{ app(name: "web") { instances { id state } } }',
        );
        const running = app.instances.find((i) => i.state === 'running');
        if (!running) throw new Error(`web not running yet: ${JSON.stringify(app.instances)}`);
        return running.id;
      },
      120_000,
      500,
    );
    await eventually(
      async () => {
        const up = await promQuery('up{job=~"control-plane|projector|node-daemon|nginx-companion"} == 1');
        const jobs = new Set(up.map((s) => s.metric.job));
        for (const job of ['control-plane', 'projector', 'node-daemon', 'nginx-companion'])
          if (!jobs.has(job)) throw new Error(`${job} not scraped yet (up: ${JSON.stringify([...jobs])})`);
      },
      120_000,
      1000,
    );
    const cpu = async () => {
      const r = await promQuery(`mammoth_instance_cpu_seconds_total{instance_id="${instance}"}`);
      if (r.length !== 1) throw new Error(`no CPU series for ${instance} yet`);
      return Number(r[0].value[1]);
    };
    await eventually(cpu, 120_000, 1000);
    const before = await cpu();
    // Every request runs a CGI in the container (busybox forks a shell): the container's CPU time has to grow.
    const load = new WrkLoad({
      port: NGINX_PORT,
      host: 'web',
      rate: 200,
      versionPattern: '(ok)',
      outFile: join(cluster.runDir, 'wrk.out'),
      connections: 4,
      path: '/cgi-bin/bare-lf',
    });
    try {
      await eventually(
        async () => {
          const now = await cpu();
          if (!(now > before + 0.5)) throw new Error(`CPU seconds ${before} -> ${now}: not rising enough yet`);
        },
        120_000,
        1000,
      );
    } finally {
      await load.stop();
    }
    expect(load.outcomes.filter((o) => o.ok).length).toBeGreaterThan(0);
    const { capacity } = await cluster.gql<{
      capacity: { nodes: { nodeId: string; observed: { cpus: number; memoryMiB: number } | null }[] };
    }>('{ capacity { nodes { nodeId observed { cpus memoryMiB at } } totals { observed { nodes cpus memoryMiB } } } }');
    expect(capacity.nodes.find((n) => n.nodeId === cluster.nodeId)?.observed).not.toBeNull();
  }, 400_000);

  it('fires AppBelowDesired for an app whose container keeps dying, and the alerts query shows it', async () => {
    await cluster.gql(
      'mutation { deployApp(input: {name: "crashy", package: "crashy", version: "1", instances: 1, cpus: 0.1, memoryMiB: 32}) { name } }',
    );
    const alerts = await eventually(
      async () => {
        const { alerts } = await cluster.gql<{
          alerts: { name: string; state: string; labels: { key: string; value: string }[]; summary: string }[];
        }>('{ alerts { name state severity summary labels { key value } activeAt value } }');
        const below = alerts.find(
          (a) => a.name === 'AppBelowDesired' && a.labels.some((l) => l.key === 'app' && l.value === 'crashy'),
        );
        if (!below) throw new Error(`not firing yet: ${JSON.stringify(alerts)}`);
        return { below, all: alerts };
      },
      240_000,
      2000,
    );
    expect(alerts.below.state).toBe('firing');
    expect(alerts.below.summary).toMatch(/app crashy has 1 healthy instance\(s\) fewer than desired/);
    expect(alerts.all.every((a) => a.state === 'firing')).toBe(true);
  }, 300_000);
});
