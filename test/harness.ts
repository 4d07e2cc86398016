import { ChildProcess, execFile, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Pool } from 'pg';
import { KafkaEventBus } from '../libs/events/src';
import {
  createTestDatabase,
  eventually,
  KAFKA_BROKERS,
  TestDatabase,
  uniqueName,
} from '../libs/event-store/src/testing/test-infra';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');
const DIST = join(ROOT, 'dist', 'apps');

/**
 * testPort shifts a suite's fixed port by MAMMOTH_TEST_PORT_OFFSET (default 0), so two checkouts can run their suites on one
 * machine at once without their servers colliding.
 */
export function testPort(port: number): number {
  return port + Number(process.env.MAMMOTH_TEST_PORT_OFFSET ?? 0);
}

/** MammothProcess is one real Mammoth app started from the build, with its output in a log file. */
export class MammothProcess {
  child: ChildProcess | null = null;
  constructor(
    readonly name: string,
    private readonly entry: string,
    private readonly env: Record<string, string | undefined>,
    readonly logFile: string,
    private readonly args: string[] = [],
  ) {}

  start(): this {
    const log = createWriteStream(this.logFile, { flags: 'a' });
    this.child = spawn(process.execPath, [join(DIST, this.entry), ...this.args], {
      // Many processes of a kind run at once in the suites: each health listener takes a free port (see healthUrl).
      env: { ...process.env, HEALTH_PORT: '0', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.pipe(log);
    this.child.stderr!.pipe(log);
    return this;
  }

  /** healthUrl is where the process serves /healthz and /readyz, as its log says once it listens. */
  async healthUrl(): Promise<string> {
    return eventually(async () => {
      const m = /health on (http:\/\/[\d.]+:\d+)\/healthz/.exec(await readFile(this.logFile, 'utf8'));
      if (!m) throw new Error(`${this.name} has not logged its health listener yet`);
      return m[1];
    });
  }

  /** signal sends a signal (SIGSTOP freezes the process as a partition would, SIGCONT thaws it). */
  signal(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  /** kill9 ends the process the hard way, as a crash would. */
  async kill9(): Promise<void> {
    await this.stop('SIGKILL');
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
    await exited;
    clearTimeout(timer);
  }
}

/** SimFleet asks a Cluster for a node daemon of `count` hollow nodes (`--driver sim`) instead of one Docker node. */
export interface SimFleet {
  readonly count: number;
  /** env adds settings for the sim daemon (SIM_RACKS, NODE_CPUS, ...). */
  readonly env?: Record<string, string>;
}

/** ClusterOptions adds settings to a Cluster's processes, e.g. a short NODE_LOST_AFTER_MS for the control plane. */
export interface ClusterOptions {
  readonly controlPlaneEnv?: Record<string, string>;
  readonly daemonEnv?: Record<string, string>;
}

/**
 * Cluster is a one-machine Mammoth for one test suite: its own database, topic prefix, ports and node id. With `sim`,
 * its daemon runs hollow nodes `${nodeId}-0` .. `${nodeId}-<count-1>`.
 */
export class Cluster {
  readonly prefix = uniqueName('e');
  readonly nodeId = uniqueName('node-');
  readonly runDir: string;
  db!: TestDatabase;
  /** token is the admin token bootstrapped for this cluster; every call of the harness presents it. */
  token!: string;
  readonly tokenFile: string;
  controlPlane!: MammothProcess;
  projector!: MammothProcess;
  daemon!: MammothProcess;
  readonly cpPort: number;

  constructor(
    readonly portRange: { from: number; to: number },
    cpPort: number,
    readonly sim?: SimFleet,
    readonly options: ClusterOptions = {},
  ) {
    this.cpPort = cpPort;
    this.runDir = join(ROOT, '.run', 'e2e', this.prefix);
    this.tokenFile = join(this.runDir, 'secrets', 'admin.token');
    mkdirSync(this.runDir, { recursive: true });
  }

  get url(): string {
    return `http://127.0.0.1:${this.cpPort}`;
  }

  get pool(): Pool {
    return this.db.pool;
  }

  private commonEnv(): Record<string, string> {
    return {
      DATABASE_URL: this.db.url,
      KAFKA_BROKERS: KAFKA_BROKERS.join(','),
      MAMMOTH_TOPIC_PREFIX: this.prefix,
      EVENT_TOPIC_PARTITIONS: '3',
      MAMMOTH_TOKEN_FILE: this.tokenFile,
    };
  }

  /** authHeaders is the Authorization header carrying the cluster's admin token. */
  authHeaders(): Record<string, string> {
    return { authorization: `Bearer ${this.token}` };
  }

  async start(): Promise<void> {
    this.db = await createTestDatabase();
    this.token = await bootstrapToken(this.db.url, this.tokenFile);
    const env = this.commonEnv();
    this.controlPlane = this.newControlPlane(this.cpPort).start();
    this.projector = new MammothProcess(
      'projector',
      'projector/src/main.js',
      { ...env, CONTROL_PLANE_URL: this.url },
      join(this.runDir, 'projector.log'),
    ).start();
    await eventually(() => this.gql('{ apps { name } }'), 60000, 250);
    await this.createNodeSecret();
    this.daemon = this.newDaemon().start();
    const wanted = this.sim ? Array.from({ length: this.sim.count }, (_, i) => `${this.nodeId}-${i}`) : [this.nodeId];
    await eventually(
      async () => {
        const r = await this.gql<{ nodes: { id: string }[] }>('{ nodes { id } }');
        const ids = new Set(r.nodes.map((n) => n.id));
        const missing = wanted.filter((id) => !ids.has(id));
        if (missing.length) throw new Error(`${missing.length} node(s) not registered yet, e.g. ${missing[0]}`);
      },
      60000,
      250,
    );
  }

  /**
   * nodeSecretFile holds what this cluster's daemon starts with: a one-time join token for its Docker node (it joins and
   * keeps its credential, subject node:<nodeId>, in NODE_CREDENTIAL_FILE), or a token of subject fleet:<nodeId> with the
   * built-in policy `node` for a fleet of hollow nodes.
   */
  get nodeSecretFile(): string {
    return join(this.runDir, 'secrets', this.sim ? 'fleet.token' : 'node.join-token');
  }

  /** nodeCredentialFile is where this cluster's Docker node keeps the credential it got by joining. */
  get nodeCredentialFile(): string {
    return join(this.runDir, 'node', 'secrets', 'credential');
  }

  private async createNodeSecret(): Promise<void> {
    const secret = this.sim
      ? (
          await this.gql<{ createToken: { secret: string } }>(
            'mutation($s: String!) { createToken(subject: $s, policies: ["node"]) { secret } }',
            { s: `fleet:${this.nodeId}` },
          )
        ).createToken.secret
      : (
          await this.gql<{ createJoinToken: { secret: string } }>(
            'mutation { createJoinToken(ttlMs: 600000) { secret } }',
          )
        ).createJoinToken.secret;
    await writeFile(this.nodeSecretFile, `${secret}\n`, { mode: 0o600 });
  }

  /**
   * newCompanion makes (but does not start) an nginx companion for this cluster, its nginx listening on `port` with its
   * files under `<runDir>/nginx`; `extra` adds settings.
   */
  newCompanion(port: number, extra: Record<string, string> = {}): MammothProcess {
    return new MammothProcess(
      'nginx-companion',
      'nginx-companion/src/main.js',
      {
        CONTROL_PLANE_URL: this.url,
        MAMMOTH_TOKEN_FILE: this.tokenFile,
        NGINX_LISTEN_PORT: String(port),
        NGINX_RUN_DIR: join(this.runDir, 'nginx'),
        ...extra,
      },
      join(this.runDir, 'nginx-companion.log'),
    );
  }

  /** newDaemon makes (but does not start) a node daemon for this cluster's node, or its fleet of hollow nodes. */
  newDaemon(): MammothProcess {
    const env = {
      ...this.commonEnv(),
      ...(this.sim
        ? { MAMMOTH_TOKEN_FILE: this.nodeSecretFile }
        : { MAMMOTH_TOKEN_FILE: undefined, MAMMOTH_JOIN_TOKEN_FILE: this.nodeSecretFile }),
      CONTROL_PLANE_URL: this.url,
      NODE_PORT_RANGE: `${this.portRange.from}-${this.portRange.to}`,
      NODE_DATA_DIR: join(this.runDir, 'node'),
      HEARTBEAT_INTERVAL_MS: '1000',
      ...this.options.daemonEnv,
    };
    if (this.sim) {
      return new MammothProcess(
        'node-daemon',
        'node-daemon/src/main.js',
        { ...env, NODE_ID_PREFIX: this.nodeId, ...this.sim.env },
        join(this.runDir, 'node-daemon.log'),
        ['--driver', 'sim', '--count', String(this.sim.count)],
      );
    }
    return new MammothProcess(
      'node-daemon',
      'node-daemon/src/main.js',
      { ...env, NODE_ID: this.nodeId },
      join(this.runDir, 'node-daemon.log'),
    );
  }

  /** newControlPlane makes (but does not start) a control plane of this cluster on `port`; the one on `cpPort` serves `url`. */
  newControlPlane(port: number): MammothProcess {
    const env = {
      ...this.commonEnv(),
      ...this.options.controlPlaneEnv,
      PORT: String(port),
      MAMMOTH_DATA_DIR: join(this.runDir, 'cp'),
    };
    return new MammothProcess(
      'control-plane',
      'control-plane/src/main.js',
      env,
      join(this.runDir, port === this.cpPort ? 'control-plane.log' : `control-plane-${port}.log`),
    );
  }

  /**
   * newDaemonFor makes (but does not start) a Docker node daemon for another node of this cluster, on the same Docker
   * engine, enrolled as node:<nodeId> with a join token of its own (its credential, kept in its data dir, outlives
   * restarts); `extra` adds settings (e.g. DOCKER_SOCKET for an engine socket the test controls).
   */
  async newDaemonFor(
    nodeId: string,
    portRange: { from: number; to: number },
    extra: Record<string, string> = {},
  ): Promise<MammothProcess> {
    const joinTokenFile = join(this.runDir, 'secrets', `${nodeId}.join-token`);
    if (!existsSync(joinTokenFile)) {
      const { createJoinToken } = await this.gql<{ createJoinToken: { secret: string } }>(
        'mutation { createJoinToken(ttlMs: 3600000) { secret } }',
      );
      mkdirSync(dirname(joinTokenFile), { recursive: true, mode: 0o700 });
      await writeFile(joinTokenFile, `${createJoinToken.secret}\n`, { mode: 0o600 });
    }
    const env = {
      ...this.commonEnv(),
      MAMMOTH_TOKEN_FILE: undefined,
      MAMMOTH_JOIN_TOKEN_FILE: joinTokenFile,
      CONTROL_PLANE_URL: this.url,
      NODE_ID: nodeId,
      NODE_PORT_RANGE: `${portRange.from}-${portRange.to}`,
      NODE_DATA_DIR: join(this.runDir, nodeId),
      HEARTBEAT_INTERVAL_MS: '1000',
      ...extra,
    };
    return new MammothProcess(
      'node-daemon',
      'node-daemon/src/main.js',
      env,
      join(this.runDir, `node-daemon-${nodeId}.log`),
    );
  }

  async stop(): Promise<void> {
    await Promise.all([this.daemon?.stop(), this.projector?.stop(), this.controlPlane?.stop()]);
    await this.removeContainers();
    await this.db?.drop();
    await dropTopics(this.prefix);
  }

  /** containers lists a node's Docker containers (running or not) by instance id and app; this cluster's node unless told. */
  async containers(nodeId = this.nodeId): Promise<{ id: string; instance: string; state: string; app: string }[]> {
    const format = '{{.ID}} {{.Label "mammoth.instance"}} {{.State}} {{.Label "mammoth.app"}}';
    const { stdout } = await run('docker', [
      'ps',
      '-a',
      '--filter',
      `label=mammoth.node=${nodeId}`,
      '--format',
      format,
    ]);
    return stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [id, instance, state, app] = l.split(' ');
        return { id, instance, state, app };
      });
  }

  async removeContainers(): Promise<void> {
    const ids = (await this.containers()).map((c) => c.id);
    if (ids.length) await run('docker', ['rm', '-f', ...ids]).catch(() => undefined);
  }

  /** gql posts a GraphQL operation and returns its data, throwing the first error (with its code and field). */
  async gql<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.authHeaders() },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as {
      data?: T;
      errors?: { message: string; extensions?: { code?: string; field?: string } }[];
    };
    if (body.errors?.length)
      throw new GqlError(body.errors[0].message, body.errors[0].extensions?.code, body.errors[0].extensions?.field);
    return body.data as T;
  }

  /** upload posts a package file to the repository. */
  async upload(
    file: Blob,
    fields: Record<string, string> = {},
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const form = new FormData();
    form.set('file', file, 'package.tar');
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    const res = await fetch(`${this.url}/packages`, { method: 'POST', body: form, headers: this.authHeaders() });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async eventCount(): Promise<number> {
    const r = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM events');
    return Number(r.rows[0].n);
  }
}

/** GqlError is a GraphQL error with its typed code and the field it names. */
export class GqlError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/**
 * bootstrapToken runs the control plane's `bootstrap-token --out FILE` against a database, as scripts/up.sh does, and
 * returns the admin token it wrote (mode 0600, in a 0700 directory).
 */
export async function bootstrapToken(databaseUrl: string, file: string): Promise<string> {
  await run(process.execPath, [join(DIST, 'control-plane/src/main.js'), 'bootstrap-token', '--out', file], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
  });
  return (await readFile(file, 'utf8')).trim();
}

/** buildTestImage builds the busybox httpd test image with no registry and returns its docker save tarball path; `env` adds build settings (CRASH_EXIT). */
export async function buildTestImage(tag: string, message: string, env: Record<string, string> = {}): Promise<string> {
  const out = join(ROOT, '.run', 'images', `${tag.replace(/[^a-z0-9]+/gi, '_')}.tar`);
  mkdirSync(join(ROOT, '.run', 'images'), { recursive: true });
  await run('bash', [join(ROOT, 'scripts', 'images', 'build-test-image.sh'), tag, out], {
    env: { ...process.env, ...env, MESSAGE: message },
  });
  return out;
}

/** httpGet fetches a URL on loopback, returning status and body, or null when nothing answers. */
export async function httpGet(url: string): Promise<{ status: number; body: string } | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return { status: res.status, body: await res.text() };
  } catch {
    return null;
  }
}

export { eventually };

/** NginxAnswer is what nginx answered, with the lb-config version and upstream it named. */
export interface NginxAnswer {
  status: number;
  body: string;
  version: number;
  upstream: string;
  location?: string;
}

/** requestNginx sends one request to an nginx on loopback `port`, on a new connection, with the given Host header. */
export function requestNginx(port: number, path: string, host = `127.0.0.1:${port}`): Promise<NginxAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host }, agent: false, timeout: 3000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          body,
          version: Number(res.headers['x-mammoth-lb-version']),
          upstream: String(res.headers['x-mammoth-upstream'] ?? ''),
          location: res.headers.location,
        }),
      );
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** dropTopics deletes a suite's Kafka topics once it is done, as its database is dropped (the broker outlives the tests). */
export async function dropTopics(prefix: string): Promise<void> {
  const bus = new KafkaEventBus(KAFKA_BROKERS, 'e2e-cleanup');
  try {
    await bus.deleteTopicsOf(prefix);
  } catch (err) {
    console.warn(`could not delete the topics of ${prefix}: ${(err as Error).message}`);
  } finally {
    await bus.disconnect();
  }
}
