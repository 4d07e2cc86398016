import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster, MammothProcess, NginxAnswer, buildTestImage, eventually, requestNginx, testPort } from './harness';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');
const NGINX_PORT = testPort(18687);

/** viaNginx sends one request to the companion's nginx on a new connection, with the given Host header. */
const viaNginx = (path: string, host = `127.0.0.1:${NGINX_PORT}`): Promise<NginxAnswer> =>
  requestNginx(NGINX_PORT, path, host);

describe('the nginx companion: every app on one nginx port, by Host header or /apps/<name>/, following every change', () => {
  const cluster = new Cluster({ from: testPort(32200), to: testPort(32249) }, testPort(18686));
  const nginxDir = join(cluster.runDir, 'nginx');
  let companion: MammothProcess;
  const newCompanion = () => cluster.newCompanion(NGINX_PORT, { NGINX_WORKER_SHUTDOWN_TIMEOUT: '10s' });

  const service = async (name: string) =>
    (
      await cluster.gql<{
        service: { running: boolean; versions: string[]; endpoints: { host: string; port: number }[] } | null;
      }>('query($name: String!) { service(name: $name) { running versions endpoints { host port } } }', { name })
    ).service;
  const latest = async () =>
    (
      await cluster.gql<{
        lbConfig: { version: number; upstreams: { app: string; servers: { host: string; port: number }[] }[] } | null;
      }>('{ lbConfig { version upstreams { app servers { host port } } } }')
    ).lbConfig;
  /** running waits until the registry shows `count` running instances of an app and returns their endpoints. */
  const running = (name: string, count: number) =>
    eventually(
      async () => {
        const s = await service(name);
        if (s?.endpoints.length !== count)
          throw new Error(`${name}: want ${count} running endpoints, have ${JSON.stringify(s?.endpoints)}`);
        return s.endpoints.map((e) => `${e.host}:${e.port}`).sort();
      },
      90_000,
      250,
    );
  const appliedVersion = () =>
    (JSON.parse(readFileSync(join(nginxDir, 'state.json'), 'utf8')) as { version: number }).version;
  /**
   * caughtUp waits until the newest lb-config routes `app` to `servers` endpoints (null: not at all) and the companion has
   * applied it; from then on every new connection gets that configuration.
   */
  const caughtUp = (app: string, servers: number | null) =>
    eventually(
      async () => {
        const l = await latest();
        const u = l?.upstreams.find((x) => x.app === app);
        if (servers === null ? u !== undefined : u?.servers.length !== servers)
          throw new Error(`lb-config ${l?.version}: ${JSON.stringify(u)}`);
        if (appliedVersion() !== l!.version) throw new Error(`applied ${appliedVersion()}, newest ${l!.version}`);
      },
      30_000,
      50,
    );
  /** routed collects the endpoints nginx proxies to for an app over enough requests to go round its upstream twice. */
  const routed = async (host: string, rounds: number) => {
    const seen = new Set<string>();
    for (let i = 0; i < rounds; i++) {
      const a = await viaNginx('/', host);
      if (a.status !== 200) throw new Error(`status ${a.status}`);
      seen.add(a.upstream);
    }
    return [...seen].sort();
  };

  beforeAll(async () => {
    await run('bash', [join(ROOT, 'scripts', 'infra', 'nginx.sh'), 'install']);
    const image = await readFile(await buildTestImage('mammoth-e2e/nginx:1', 'hello through nginx'));
    await cluster.start();
    expect((await cluster.upload(new Blob([image]), { name: 'hello', version: '1' })).status).toBe(201);
    companion = newCompanion().start();
    await eventually(async () => expect((await viaNginx('/')).version).toBeGreaterThanOrEqual(0), 30_000, 100);
  });

  afterAll(async () => {
    await companion?.stop();
    await run('bash', [join(ROOT, 'scripts', 'infra', 'nginx.sh'), 'stop', nginxDir]).catch(() => undefined);
    await cluster.stop();
  });

  it('serves a deployed app by Host header (<app>, <app>.mammoth) and by path prefix /apps/<app>/ (stripped)', async () => {
    await cluster.gql(
      'mutation { deployApp(input: { name: "web", package: "hello", instances: 1, cpus: 0.1, memoryMiB: 32 }) { name } }',
    );
    const [endpoint] = await running('web', 1);
    expect(await service('web')).toMatchObject({ running: true, versions: ['1'] });
    expect(await service('no-such-app')).toBeNull();

    await caughtUp('web', 1);
    const byHost = await viaNginx('/', 'web');
    expect(byHost.status).toBe(200);
    expect(byHost.body).toContain('hello through nginx');
    expect(byHost.upstream).toBe(endpoint);
    expect((await viaNginx('/', `web.mammoth:${NGINX_PORT}`)).body).toContain('hello through nginx');
    const byPath = await viaNginx('/apps/web/version.txt');
    expect(byPath.status).toBe(200);
    expect(byPath.body).toBe('hello from mammoth mammoth-e2e/nginx:1 hello through nginx\n'); // /apps/web/ was stripped
    expect(await viaNginx('/apps/web')).toMatchObject({
      status: 308,
      location: expect.stringMatching(/\/apps\/web\/$/),
    });
    expect((await viaNginx('/', 'nobody.mammoth')).status).toBe(404);
    expect((await viaNginx('/apps/nobody/')).status).toBe(404);
  });

  it('follows scaling: the upstream nginx uses is exactly the set of running instances', async () => {
    await cluster.gql('mutation { scaleApp(name: "web", instances: 3) { desired } }');
    const three = await running('web', 3);
    await caughtUp('web', 3);
    expect(await routed('web', 9)).toEqual(three);
    expect(
      (await latest())!.upstreams
        .find((u) => u.app === 'web')!
        .servers.map((s) => `${s.host}:${s.port}`)
        .sort(),
    ).toEqual(three);

    await cluster.gql('mutation { scaleApp(name: "web", instances: 1) { desired } }');
    const one = await running('web', 1);
    await caughtUp('web', 1);
    expect(await routed('web', 6)).toEqual(one);
  });

  it('a restarted companion catches up from its last applied version, while nginx keeps serving and never goes back', async () => {
    const masterPid = readFileSync(join(nginxDir, 'logs', 'nginx.pid'), 'utf8').trim();
    const before = (await viaNginx('/', 'web')).version;
    const served: number[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const a = await viaNginx('/', 'web').catch(() => null);
        served.push(a === null ? -1 : a.status === 200 ? a.version : -a.status);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    await companion.stop();
    await cluster.gql('mutation { scaleApp(name: "web", instances: 2) { desired } }');
    const two = await running('web', 2);
    const wanted = await eventually(
      async () => {
        const l = await latest();
        if (!l || l.version <= before) throw new Error('no new lb-config version yet');
        return l.version;
      },
      30_000,
      100,
    );
    expect((await viaNginx('/', 'web')).version).toBe(before); // nobody applies while the companion is away

    companion = newCompanion().start();
    await eventually(async () => expect(appliedVersion()).toBe(wanted), 30_000, 50);
    // Once the companion records a version as applied, nginx's old workers no longer accept: every new request gets it.
    const appliedAt = served.length;
    await eventually(async () => expect(await routed('web', 6)).toEqual(two), 30_000, 100);
    await new Promise((r) => setTimeout(r, 300));
    watching = false;
    await watcher;
    expect(served.length - appliedAt).toBeGreaterThan(2);
    expect(served.slice(appliedAt + 1)).toEqual(served.slice(appliedAt + 1).map(() => wanted));

    expect(readFileSync(join(nginxDir, 'logs', 'nginx.pid'), 'utf8').trim()).toBe(masterPid); // the same nginx, adopted
    expect(served.length).toBeGreaterThan(10);
    expect(served.every((v) => v > 0)).toBe(true); // every request answered 200 throughout
    // Never an older configuration than the one applied before the restart (a reload overlaps old and new workers for a
    // moment, so two consecutive requests may see `before` after `wanted`, but never anything older).
    expect(Math.min(...served)).toBe(before);
    const companionLog = readFileSync(join(cluster.runDir, 'nginx-companion.log'), 'utf8');
    expect(companionLog).toMatch(new RegExp(`subscribed to lbConfig after version ${before} `));
    const applied = [...companionLog.matchAll(/applied lb-config version (\d+)/g)].map((m) => Number(m[1]));
    expect(applied).toEqual([...new Set(applied)].sort((a, b) => a - b)); // across both runs: strictly increasing
  });

  it('rebuilding the lb-config read model from the log reproduces every version; the companion has nothing new to apply', async () => {
    const versions = async () =>
      (
        await cluster.pool.query(
          'SELECT version, hash, config, rendered_at, position FROM lb_config_versions ORDER BY version',
        )
      ).rows;
    const live = await versions();
    const applied = appliedVersion();
    const { stdout } = await run(
      process.execPath,
      [join(ROOT, 'dist', 'apps', 'projector', 'src', 'main.js'), 'rebuild', 'lb-config'],
      {
        env: { ...process.env, DATABASE_URL: cluster.db.url },
      },
    );
    expect(stdout).toContain('done');
    expect(await versions()).toEqual(live);
    expect(live.length).toBe(applied);
    expect(appliedVersion()).toBe(applied);
    expect((await viaNginx('/', 'web')).status).toBe(200);
  });

  it('an app with no running instance answers 503; a removed app is gone from nginx: 404', async () => {
    await cluster.gql('mutation { scaleApp(name: "web", instances: 0) { desired } }');
    await eventually(
      async () => expect(await service('web')).toMatchObject({ running: false, endpoints: [] }),
      60_000,
      100,
    );
    await caughtUp('web', 0);
    expect((await viaNginx('/', 'web')).status).toBe(503);
    expect((await viaNginx('/apps/web/')).status).toBe(503);

    await cluster.gql('mutation { removeApp(name: "web") }');
    await caughtUp('web', null);
    expect((await viaNginx('/', 'web')).status).toBe(404);
    expect((await viaNginx('/apps/web/')).status).toBe(404);
  });
});
