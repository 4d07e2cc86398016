import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { HealthCheck } from '@mammoth/events';
import { DockerRuntime } from './docker-runtime';
import { PackageCache } from './package-cache';
import { tcpProbe } from './probes';

jest.setTimeout(120000);

const run = promisify(execFile);
const ROOT = join(__dirname, '../../../..');
const docker = new Docker({ socketPath: '/var/run/docker.sock' });
const suffix = randomBytes(3).toString('hex');
const IMAGE = `mammoth-test/probe:int-${suffix}`;
const NODE_ID = `int-probe-${suffix}`;
const PORT = 31600 + Math.floor(Math.random() * 90);
/** ADDRESS is the node's own address (a loopback one that is not 127.0.0.1), as a node host in a cluster has. */
const ADDRESS = '127.0.0.2';
const timing = { intervalMs: 1000, timeoutMs: 1000, gracePeriodMs: 0, unhealthyThreshold: 1, healthyThreshold: 1 };
const command = (...cmd: string[]): HealthCheck => ({ kind: 'command', command: cmd, ...timing });

describe('DockerRuntime.probe (real Docker Engine)', () => {
  let dir: string;
  let runtime: DockerRuntime;
  let containerId: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mammoth-probe-int-'));
    await run('bash', [join(ROOT, 'scripts/images/build-test-image.sh'), IMAGE, join(dir, 'probe.tar')], { cwd: ROOT });
    // The image is built locally, so no blob is ever fetched.
    runtime = new DockerRuntime(
      docker,
      NODE_ID,
      new PackageCache(join(dir, 'packages'), { openBlob: () => Promise.reject(new Error('no blobs here')) }),
      ADDRESS,
    );
    const digest = `sha256:${'0'.repeat(64)}`;
    containerId = await runtime.start({
      instanceId: randomUUID(),
      app: 'probe',
      package: { name: 'probe', version: '1', digest, format: 'image', imageRef: IMAGE },
      resources: { cpuMillis: 100, memoryMiB: 16, diskMiB: 0 },
      port: PORT,
      env: {},
    });
    for (let i = 0; i < 50 && !(await runtime.probe(containerId, { kind: 'tcp', ...timing }, PORT)).healthy; i++)
      await new Promise((r) => setTimeout(r, 100));
  });

  afterAll(async () => {
    if (containerId) await runtime.stop(containerId);
    await docker
      .getImage(IMAGE)
      .remove({ force: true })
      .catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('runs a command in the container: exit 0 is healthy, anything else unhealthy with its output', async () => {
    expect(await runtime.probe(containerId, command('/bin/sh', '-c', 'test -f /www/index.html'), PORT)).toEqual({
      healthy: true,
      message: 'command exited 0',
    });
    expect(await runtime.probe(containerId, command('/bin/sh', '-c', 'echo not ready; exit 4'), PORT)).toEqual({
      healthy: false,
      message: 'command exited 4: not ready',
    });
  });

  it('gives up on a command that outlives its timeout, and on a program that does not exist', async () => {
    const started = Date.now();
    expect(await runtime.probe(containerId, { ...command('/bin/sleep', '5'), timeoutMs: 300 }, PORT)).toEqual({
      healthy: false,
      message: 'command timed out after 300 ms',
    });
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await runtime.probe(containerId, command('/no/such/program'), PORT)).healthy).toBe(false);
  });

  it("checks HTTP and TCP on the instance port at the node's address, the only address the instance serves on", async () => {
    expect(
      await runtime.probe(containerId, { kind: 'http', path: '/healthz', expectedStatus: 200, ...timing }, PORT),
    ).toEqual({ healthy: true, message: 'HTTP 200' });
    expect(
      await runtime.probe(containerId, { kind: 'http', path: '/nope', expectedStatus: 200, ...timing }, PORT),
    ).toEqual({
      healthy: false,
      message: 'HTTP 404 from GET /nope (expected 200)',
    });
    expect(await runtime.probe(containerId, { kind: 'tcp', ...timing }, PORT)).toEqual({
      healthy: true,
      message: `connected to port ${PORT}`,
    });
    expect(await tcpProbe(PORT, 1000, '127.0.0.1')).toEqual({
      healthy: false,
      message: `connect to port ${PORT}: connection refused`,
    });
  });

  it('accepts a CGI answer whose header lines end in a bare LF (curl, nginx and Go accept it too)', async () => {
    expect(
      await runtime.probe(
        containerId,
        { kind: 'http', path: '/cgi-bin/bare-lf', expectedStatus: 200, ...timing },
        PORT,
      ),
    ).toEqual({ healthy: true, message: 'HTTP 200' });
  });

  it('counts a command in a container that is gone as unhealthy, without throwing', async () => {
    const r = await runtime.probe('0'.repeat(64), command('/bin/true'), PORT);
    expect(r.healthy).toBe(false);
    expect(r.message).toMatch(/^command could not run: /);
  });
});
