import { execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KAFKA_BROKERS } from '../libs/event-store/src/testing/test-infra';
import { buildTestImage, Cluster, MammothProcess, eventually, httpGet, testPort } from './harness';

const run = promisify(execFile);
const DIST = join(__dirname, '..', 'dist', 'apps');

/** started runs a built app with `env` until it exits, and returns its exit status and what it wrote. */
function started(
  entry: string,
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(DIST, entry)], { env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

/** jsonLines parses a log of JSON lines; a line that is not JSON fails the test. */
function jsonLines(log: string): Record<string, unknown>[] {
  return log
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** probe fetches a health endpoint and returns its status and body. */
async function probe(url: string): Promise<{ status: number; body: Record<string, { status: string }> }> {
  const r = await httpGet(url);
  if (!r) throw new Error(`${url} does not answer`);
  return { status: r.status, body: (JSON.parse(r.body) as { details: Record<string, { status: string }> }).details };
}

describe('process start: an invalid setting stops the process, naming it', () => {
  it.each([
    ['control-plane/src/main.js', { PORT: 'abc' }, /PORT: Expected number, received nan/],
    [
      'control-plane/src/main.js',
      { NODE_LOST_AFTER_MS: '-5' },
      /NODE_LOST_AFTER_MS: Number must be greater than or equal to 100/,
    ],
    ['projector/src/main.js', { DATABASE_URL: 'postgres//127.0.0.1/mammoth' }, /DATABASE_URL: not a URL/],
    ['node-daemon/src/main.js', { HEARTBEAT_INTERVAL_MS: '-5' }, /HEARTBEAT_INTERVAL_MS/],
    [
      'nginx-companion/src/main.js',
      { NGINX_LISTEN_PORT: 'abc', HEALTH_PORT: '99999' },
      /NGINX_LISTEN_PORT.*HEALTH_PORT/,
    ],
  ])('%s with %j exits with 78 and one fatal line on stderr', async (entry, env, message) => {
    const { code, out, err } = await started(entry, env);
    expect(code).toBe(78);
    expect(out).toBe('');
    expect(jsonLines(err)).toEqual([
      expect.objectContaining({ level: 60, msg: expect.stringMatching(/^invalid configuration: /) }),
    ]);
    expect(err).toMatch(message);
  });
});

describe('running processes: JSON logs with correlation ids, /healthz and /readyz', () => {
  const cluster = new Cluster({ from: testPort(32500), to: testPort(32509) }, testPort(18990), undefined, {
    controlPlaneEnv: { LOG_LEVEL: 'debug' },
    daemonEnv: { LOG_LEVEL: 'debug' },
  });
  const extra: MammothProcess[] = [];

  beforeAll(async () => {
    const image = await buildTestImage('mammoth-e2e/process:1', 'process hygiene');
    await cluster.start();
    expect((await cluster.upload(new Blob([await readFile(image)]), { name: 'proc', version: '1' })).status).toBe(201);
  });
  afterAll(async () => {
    await Promise.all(extra.map((p) => p.stop()));
    await cluster.stop();
  });

  it('serves liveness and readiness on every process: the API port for the control plane, a health port for the others', async () => {
    for (const path of ['healthz', 'readyz']) {
      const cp = await probe(`${cluster.url}/${path}`);
      expect(cp.status).toBe(200);
    }
    expect((await probe(`${cluster.url}/readyz`)).body).toMatchObject({
      postgres: { status: 'up' },
      kafka: { status: 'up' },
    });
    // The feature loops report to the liveness probe beside the relay and the watermark.
    expect((await probe(`${cluster.url}/healthz`)).body).toMatchObject({
      loops: {
        status: 'up',
        loops: expect.arrayContaining([
          'outbox-relay',
          'log-watermark',
          'pending-placer',
          'rollout',
          'instance-repair',
          'failure-detector',
        ]),
      },
    });

    const projector = await cluster.projector.healthUrl();
    expect(await probe(`${projector}/readyz`)).toEqual({
      status: 200,
      body: { postgres: { status: 'up' }, kafka: { status: 'up' } },
    });
    expect((await probe(`${projector}/healthz`)).status).toBe(200);

    const daemon = await cluster.daemon.healthUrl();
    expect(await probe(`${daemon}/readyz`)).toEqual({
      status: 200,
      body: { kafka: { status: 'up' }, 'container-runtime': { status: 'up' } },
    });
    // The daemon's liveness watches its heartbeats once they flow.
    await eventually(async () => {
      const live = await probe(`${daemon}/healthz`);
      expect(live).toEqual({ status: 200, body: { loops: { status: 'up', loops: ['heartbeats'] } } });
    });
  });

  it('reports a process not ready, but alive, while a dependency is down', async () => {
    const closed = testPort(18993); // nothing listens here
    const projector = new MammothProcess(
      'projector',
      'projector/src/main.js',
      { DATABASE_URL: cluster.db.url, KAFKA_BROKERS: `127.0.0.1:${closed}`, MAMMOTH_TOPIC_PREFIX: cluster.prefix },
      join(cluster.runDir, 'projector-no-kafka.log'),
    ).start();
    const daemon = new MammothProcess(
      'node-daemon',
      'node-daemon/src/main.js',
      {
        CONTROL_PLANE_URL: cluster.url,
        MAMMOTH_TOKEN_FILE: cluster.tokenFile,
        KAFKA_BROKERS: KAFKA_BROKERS.join(','),
        MAMMOTH_TOPIC_PREFIX: cluster.prefix,
        NODE_ID: `${cluster.nodeId}-nodocker`,
        // Too small for the app the next test deploys, so the scheduler places it on the cluster's own node.
        NODE_MEMORY_MIB: '16',
        NODE_PORT_RANGE: `${testPort(32510)}-${testPort(32519)}`,
        NODE_DATA_DIR: join(cluster.runDir, 'nodocker'),
        DOCKER_SOCKET: join(cluster.runDir, 'no-such-docker.sock'),
      },
      join(cluster.runDir, 'node-daemon-nodocker.log'),
    ).start();
    const companion = new MammothProcess(
      'nginx-companion',
      'nginx-companion/src/main.js',
      {
        CONTROL_PLANE_URL: `http://127.0.0.1:${closed}`,
        NGINX_LISTEN_PORT: String(testPort(18994)),
        NGINX_RUN_DIR: join(cluster.runDir, 'nginx-unready'),
        NGINX_STOP_ON_EXIT: 'true',
      },
      join(cluster.runDir, 'nginx-companion-unready.log'),
    ).start();
    extra.push(projector, daemon, companion);

    const [p, d, c] = await Promise.all([projector.healthUrl(), daemon.healthUrl(), companion.healthUrl()]);
    await eventually(async () => {
      expect(await probe(`${p}/readyz`)).toMatchObject({ status: 503, body: { kafka: { status: 'down' } } });
    });
    expect(await probe(`${p}/healthz`)).toMatchObject({ status: 200 });
    expect(await probe(`${d}/readyz`)).toMatchObject({
      status: 503,
      body: { kafka: { status: 'up' }, 'container-runtime': { status: 'down' } },
    });
    expect(await probe(`${c}/readyz`)).toMatchObject({
      status: 503,
      body: { 'lb-config': { status: 'down', message: 'no lb-config from the control plane applied yet' } },
    });
    expect(await probe(`${c}/healthz`)).toMatchObject({ status: 200 });
  });

  it('logs JSON lines, and the lines of a request and of the events it caused carry its correlation id', async () => {
    const id = `corr-${Date.now()}`;
    const res = await fetch(`${cluster.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': id, ...cluster.authHeaders() },
      body: JSON.stringify({
        query: `mutation { deployApp(input: { name: "logged", package: "proc", instances: 1, cpus: 0.1, memoryMiB: 32 }) { name } }`,
      }),
    });
    expect(res.headers.get('x-correlation-id')).toBe(id);
    expect(((await res.json()) as { errors?: unknown }).errors).toBeUndefined();

    const { events } = await cluster.gql<{ events: { type: string; metadata: { correlationId: string } }[] }>(
      `{ events(after: "0", limit: 1000, filter: { app: "logged", types: ["AppDeployed", "InstancePlaced"] }) { type metadata { correlationId } } }`,
    );
    expect(events.map((e) => [e.type, e.metadata.correlationId])).toEqual([
      ['AppDeployed', id],
      ['InstancePlaced', id],
    ]);

    await eventually(async () => {
      const cp = jsonLines(await readFile(cluster.controlPlane.logFile, 'utf8'));
      const mine = cp.filter((l) => l.correlationId === id);
      expect(mine).toEqual(expect.arrayContaining([expect.objectContaining({ msg: 'request completed' })]));
      // The node daemon follows the node topic: the line it writes for the event carries the request's id too.
      const daemon = jsonLines(await readFile(cluster.daemon.logFile, 'utf8'));
      expect(daemon).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            correlationId: id,
            context: 'node-events',
            msg: expect.stringMatching(/InstanceAssigned/),
          }),
        ]),
      );
    });
  });
});

describe('mammoth.sh: the processes run under supervisord', () => {
  const cluster = new Cluster({ from: testPort(32530), to: testPort(32539) }, testPort(18995));
  const runDir = join(cluster.runDir, 'mammoth');
  const root = join(__dirname, '..');
  let env: Record<string, string>;
  const mammoth = (...args: string[]) =>
    run('bash', [join(root, 'scripts', 'mammoth.sh'), ...args], { env, cwd: root });
  const pids = async (): Promise<Record<string, { state: string; pid: number | null }>> => {
    const { stdout } = await mammoth('status');
    return Object.fromEntries(
      stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const [name, state] = l.split(/\s+/);
          const pid = /pid (\d+)/.exec(l);
          return [name, { state, pid: pid ? Number(pid[1]) : null }];
        }),
    );
  };

  beforeAll(async () => {
    const { createTestDatabase } = await import('../libs/event-store/src/testing/test-infra');
    cluster.db = await createTestDatabase();
    env = {
      ...(process.env as Record<string, string>),
      MAMMOTH_RUN_DIR: runDir,
      PORT: String(cluster.cpPort),
      DATABASE_URL: cluster.db.url,
      KAFKA_BROKERS: KAFKA_BROKERS.join(','),
      MAMMOTH_TOPIC_PREFIX: cluster.prefix,
      NODE_ID: cluster.nodeId,
      NODE_PORT_RANGE: `${cluster.portRange.from}-${cluster.portRange.to}`,
      NODE_DATA_DIR: join(runDir, 'node'),
      NGINX_LISTEN_PORT: String(testPort(18996)),
      HEALTH_PORT_PROJECTOR: '0',
      HEALTH_PORT_NODE_DAEMON: '0',
      HEALTH_PORT_NGINX_COMPANION: '0',
      MAMMOTH_STARTSECS: '2',
    };
    await mammoth('start');
    // mammoth.sh bootstrapped the admin token into its run dir.
    cluster.token = (await readFile(join(runDir, 'secrets', 'admin.token'), 'utf8')).trim();
  });

  afterAll(async () => {
    await mammoth('stop').catch(() => undefined);
    await cluster.stop();
  });

  it('restarts a process killed with -9, and stop leaves nothing running', async () => {
    await eventually(async () => {
      const all = await pids();
      expect(Object.keys(all).sort()).toEqual(['control-plane', 'nginx-companion', 'node-daemon', 'projector']);
      for (const p of Object.values(all)) expect(p.state).toBe('RUNNING');
    }, 60_000);
    const conf = await readFile(join(runDir, 'supervisor', 'supervisord.conf'), 'utf8');
    expect(conf).toContain(`file=${join(runDir, 'supervisor', 'supervisor.sock')}`);
    expect(conf).not.toContain('inet_http_server');

    const before = await pids();
    for (const name of ['control-plane', 'projector']) process.kill(before[name].pid!, 'SIGKILL');
    await eventually(async () => {
      const after = await pids();
      for (const name of ['control-plane', 'projector']) {
        expect(after[name].state).toBe('RUNNING');
        expect(after[name].pid).not.toBe(before[name].pid);
      }
      expect(after['node-daemon'].pid).toBe(before['node-daemon'].pid);
      await cluster.gql('{ apps { name } }');
    }, 60_000);

    const running = await pids();
    await mammoth('stop');
    expect(Object.values(await pids()).map((p) => p.state)).toEqual(['STOPPED', 'STOPPED', 'STOPPED', 'STOPPED']);
    for (const p of Object.values(running)) expect(() => process.kill(p.pid!, 0)).toThrow();
  });
});
