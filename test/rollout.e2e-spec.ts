import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster, GqlError, MammothProcess, buildTestImage, eventually, testPort } from './harness';
import { WrkLoad } from './load/wrk-load';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');
const NGINX_PORT = testPort(18889);
const RATE = 50; // requests per second

describe('rolling update, canary and rollback under load: zero failed requests through nginx', () => {
  const cluster = new Cluster({ from: testPort(32400), to: testPort(32449) }, testPort(18888), undefined, {
    controlPlaneEnv: { ROLLOUT_DRAIN_MS: '2000' },
  });
  const nginxDir = join(cluster.runDir, 'nginx');
  let companion: MammothProcess;
  let load: WrkLoad | null = null;
  let loads = 0;
  /** startLoad starts wrk sending RATE requests per second through nginx to the app (Host: roll); each answer names its version. */
  const startLoad = () =>
    new WrkLoad({
      port: NGINX_PORT,
      host: 'roll',
      rate: RATE,
      versionPattern: 'mammoth%-e2e/rollout:(%d)',
      outFile: join(cluster.runDir, `wrk-${++loads}.log`),
    });

  interface AppView {
    desired: number;
    running: number;
    healthy: number;
    package: { version: string };
    rollout: { from: string; to: string; phase: string; canaryWeight: number | null } | null;
  }
  const app = async () =>
    (
      await cluster.gql<{ app: AppView | null }>(
        'query { app(name: "roll") { desired running healthy package { version } rollout { from to phase canaryWeight } } }',
      )
    ).app!;
  const upstream = async () =>
    (
      await cluster.gql<{
        lbConfig: { upstreams: { app: string; servers: { port: number; weight: number }[] }[] } | null;
      }>('{ lbConfig { upstreams { app servers { port weight } } } }')
    ).lbConfig?.upstreams.find((u) => u.app === 'roll')?.servers ?? [];
  /** settled waits until the app has no rollout, `count` healthy instances, and nginx answers only `version` lately. */
  const settled = (count: number, version: '1' | '2') =>
    eventually(
      async () => {
        const a = await app();
        if (a.rollout || a.healthy !== count || a.running !== count)
          throw new Error(`not settled: ${JSON.stringify(a)}`);
        if ((await upstream()).length !== count) throw new Error('lb-config not caught up');
        const last = load!.recent(RATE);
        if (last.length < RATE || last.some((o) => o.version !== version))
          throw new Error(`still answering ${[...new Set(last.map((o) => o.version))]}`);
      },
      120_000,
      250,
    );
  const expectNoFailures = async () => {
    const l = load!;
    load = null;
    const all = await l.stop();
    console.log(
      `${expect.getState().currentTestName}: ${all.length} requests through nginx (wrk), ${l.failures.length} failed`,
    );
    expect(all.length).toBeGreaterThan(RATE * 5);
    expect(l.failures.map((f) => f.detail)).toEqual([]); // the failed-request count is zero
    return all;
  };

  beforeAll(async () => {
    await run('bash', [join(ROOT, 'scripts', 'infra', 'nginx.sh'), 'install']);
    const [v1, v2] = await Promise.all([
      buildTestImage('mammoth-e2e/rollout:1', 'v1'),
      buildTestImage('mammoth-e2e/rollout:2', 'v2'),
    ]);
    await cluster.start();
    expect((await cluster.upload(new Blob([await readFile(v1)]), { name: 'rollout', version: '1' })).status).toBe(201);
    expect((await cluster.upload(new Blob([await readFile(v2)]), { name: 'rollout', version: '2' })).status).toBe(201);
    companion = cluster.newCompanion(NGINX_PORT, { NGINX_WORKER_SHUTDOWN_TIMEOUT: '10s' }).start();
    await cluster.gql('mutation($input: DeployAppInput!) { deployApp(input: $input) { name } }', {
      input: {
        name: 'roll',
        package: 'rollout',
        version: '1',
        instances: 2,
        cpus: 0.05,
        memoryMiB: 16,
        healthCheck: { kind: 'HTTP', path: '/', intervalMs: 300, timeoutMs: 1000, unhealthyThreshold: 2 },
      },
    });
    await eventually(
      async () => {
        if ((await upstream()).length !== 2) throw new Error('not routed yet');
        const probe = startLoad();
        await new Promise((r) => setTimeout(r, 200));
        const outcomes = await probe.stop();
        if (!outcomes.length || outcomes.some((o) => !o.ok))
          throw new Error(`nginx does not serve roll yet: ${outcomes.map((o) => o.detail)}`);
      },
      120_000,
      250,
    );
  });

  afterEach(async () => {
    await load?.stop();
    load = null;
  });

  afterAll(async () => {
    await companion?.stop();
    await run('bash', [join(ROOT, 'scripts', 'infra', 'nginx.sh'), 'stop', nginxDir]).catch(() => undefined);
    await cluster.stop();
  });

  it('refuses an unknown version (NOT_FOUND, field version) and a promote without a canary (FAILED_PRECONDITION)', async () => {
    const update = cluster.gql(
      'mutation { updateApp(input: { name: "roll", package: "rollout", version: "9" }) { name } }',
    );
    await expect(update).rejects.toMatchObject({ code: 'NOT_FOUND', field: 'version' });
    await expect(cluster.gql('mutation { promoteApp(name: "roll") { name } }')).rejects.toBeInstanceOf(GqlError);
    await expect(cluster.gql('mutation { promoteApp(name: "roll") { name } }')).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
    });
  });

  it('(a) scales up and down under load without a failed request', async () => {
    load = startLoad();
    await settled(2, '1');
    await cluster.gql('mutation { scaleApp(name: "roll", instances: 4) { desired } }');
    await settled(4, '1');
    await cluster.gql('mutation { scaleApp(name: "roll", instances: 2) { desired } }');
    await settled(2, '1');
    await new Promise((r) => setTimeout(r, 3000));
    await expectNoFailures();
  });

  it('(b) rolls v1 → v2 in batches (maxSurge 1, maxUnavailable 0): every answer ends as v2, none failed', async () => {
    load = startLoad();
    await settled(2, '1');
    const started = await cluster.gql<{ updateApp: AppView }>(
      'mutation { updateApp(input: { name: "roll", package: "rollout", version: "2", maxSurge: 1, maxUnavailable: 0 }) { package { version } rollout { from to phase } } }',
    );
    expect(started.updateApp).toMatchObject({
      package: { version: '2' },
      rollout: { from: '1', to: '2', phase: 'rolling' },
    });
    await settled(2, '2');
    const all = await expectNoFailures();
    expect(all.some((o) => o.version === '1')).toBe(true);
  });

  it('(c) rolls back to v1 the same way', async () => {
    load = startLoad();
    const back = await cluster.gql<{ rollbackApp: AppView }>(
      'mutation { rollbackApp(name: "roll") { rollout { from to phase } } }',
    );
    expect(back.rollbackApp.rollout).toEqual({ from: '2', to: '1', phase: 'rollback' });
    await settled(2, '1');
    await expectNoFailures();
  });

  it('(d) a canary with weight 20 gets about 20 % of the traffic until promoted; then every answer is v2', async () => {
    load = startLoad();
    await cluster.gql(
      'mutation { updateApp(input: { name: "roll", package: "rollout", version: "2", canary: { instances: 1, weight: 20 } }) { name } }',
    );
    // The canary is in place once nginx routes to one v2 and one v1 instance, weighted 1 : 4.
    await eventually(
      async () => {
        const a = await app();
        const servers = await upstream();
        if (a.rollout?.phase !== 'canary' || a.running !== 2 || servers.length !== 2)
          throw new Error(`canary not in place: ${JSON.stringify({ a, servers })}`);
        expect(servers.map((s) => s.weight).sort()).toEqual([1, 4]);
      },
      120_000,
      250,
    );
    await new Promise((r) => setTimeout(r, 1000)); // nginx applies it
    const from = load.outcomes.length;
    await new Promise((r) => setTimeout(r, 6000));
    const sample = load.outcomes.slice(from).filter((o) => o.ok);
    const share = sample.filter((o) => o.version === '2').length / sample.length;
    console.log(
      `canary weight 20: ${sample.filter((o) => o.version === '2').length} of ${sample.length} answers from v2 (${(share * 100).toFixed(1)} %)`,
    );
    expect(sample.length).toBeGreaterThan(200);
    expect(share).toBeGreaterThan(0.1);
    expect(share).toBeLessThan(0.3);
    expect((await app()).rollout).toMatchObject({ phase: 'canary', canaryWeight: 20 });

    await cluster.gql('mutation { promoteApp(name: "roll") { name } }');
    await settled(2, '2');
    await expectNoFailures();
  });
});
