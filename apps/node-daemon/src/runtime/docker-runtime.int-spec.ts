import { execFile } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { Assignment } from '@mammoth/domain';
import { ControlPlaneClient } from '../control-plane/control-plane.client';
import { ContainerExit } from './container-runtime';
import { DockerRuntime } from './docker-runtime';
import { PackageCache } from './package-cache';

jest.setTimeout(120000);

const run = promisify(execFile);
const ROOT = join(__dirname, '../../../..');
const docker = new Docker({ socketPath: '/var/run/docker.sock' });
const suffix = randomBytes(3).toString('hex');
const IMAGE = `mammoth-test/hello:int-${suffix}`;
const NODE_ID = `int-${suffix}`;

/** eventually retries an assertion until it passes or time runs out. */
async function eventually<T>(fn: () => Promise<T>, timeoutMs = 20000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function httpGet(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/version.txt`, { signal: AbortSignal.timeout(2000) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.text();
}

const imageExists = (ref: string) =>
  docker
    .getImage(ref)
    .inspect()
    .then(
      () => true,
      () => false,
    );

describe('DockerRuntime (real Docker Engine)', () => {
  let dir: string;
  let tarball: string;
  let digest: string;
  let server: Server;
  let served: { digest: string; file: string } = { digest: '', file: '' };
  let blobRequests = 0;
  let runtime: DockerRuntime;
  let nextPort = 31500 + Math.floor(Math.random() * 90);

  const assignment = (over: Partial<Assignment> = {}): Assignment => ({
    instanceId: randomUUID(),
    app: 'hello',
    package: { name: 'hello', version: '1', digest, format: 'image', imageRef: IMAGE },
    resources: { cpuMillis: 250, memoryMiB: 32, diskMiB: 0 },
    port: nextPort++,
    env: { GREETING: 'hi' },
    ...over,
  });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mammoth-docker-int-'));
    tarball = join(dir, 'hello.tar');
    await run('bash', [join(ROOT, 'scripts/images/build-test-image.sh'), IMAGE, tarball], { cwd: ROOT });
    digest = `sha256:${createHash('sha256')
      .update(await readFile(tarball))
      .digest('hex')}`;
    // The blob endpoint of the control plane, reduced to what the daemon uses: GET /packages/blobs/:digest.
    server = createServer((req, res) => {
      blobRequests++;
      if (req.url !== `/packages/blobs/${served.digest}`) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/x-tar' });
      createReadStream(served.file).pipe(res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    runtime = new DockerRuntime(
      docker,
      NODE_ID,
      new PackageCache(join(dir, 'packages'), new ControlPlaneClient([url], NODE_ID)),
      '127.0.0.1',
    );
  });

  afterAll(async () => {
    for (const c of await docker.listContainers({ all: true, filters: { label: [`mammoth.node=${NODE_ID}`] } })) {
      await docker.getContainer(c.Id).remove({ force: true });
    }
    await docker
      .getImage(IMAGE)
      .remove({ force: true })
      .catch(() => undefined);
    await new Promise((r) => server?.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('starts an assignment that serves on its port published from the Mammoth bridge, lists it, stops and removes it', async () => {
    const a = assignment();
    await runtime.ensureImage(a.package);
    const id = await runtime.start(a);

    expect(await eventually(() => httpGet(a.port))).toContain(`hello from mammoth ${IMAGE}`);
    const listed = await runtime.list();
    expect(listed).toEqual([
      expect.objectContaining({ containerId: id, instanceId: a.instanceId, app: 'hello', status: 'running' }),
    ]);
    expect(await runtime.list({ instanceId: randomUUID() })).toEqual([]);
    expect(await runtime.exitCode(id)).toBeNull();

    const info = await docker.getContainer(id).inspect();
    expect(info.Name).toMatch(new RegExp(`^/mammoth-hello-${a.instanceId.slice(0, 8)}-[0-9a-f]{4}$`));
    expect(info.Config.Labels).toMatchObject({
      'mammoth.instance': a.instanceId,
      'mammoth.app': 'hello',
      'mammoth.node': NODE_ID,
      'mammoth.port': String(a.port),
    });
    expect(info.Config.Env).toEqual(
      expect.arrayContaining([
        'GREETING=hi',
        `PORT=${a.port}`,
        'MAMMOTH_APP=hello',
        `MAMMOTH_INSTANCE_ID=${a.instanceId}`,
        `MAMMOTH_NODE_ID=${NODE_ID}`,
      ]),
    );
    expect(info.HostConfig).toMatchObject({
      NetworkMode: 'mammoth',
      PortBindings: { [`${a.port}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(a.port) }] },
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      NanoCpus: 250e6,
      Memory: 32 * 1024 * 1024,
      RestartPolicy: { Name: 'no' },
    });

    await runtime.stop(id);
    expect(await runtime.list()).toEqual([]);
    await expect(httpGet(a.port)).rejects.toThrow();
    await runtime.stop(id); // idempotent: a container that is gone is not an error
    expect(await runtime.exitCode(id)).toBeNull();
  });

  it('tells when a container dies, and lists it as exited with its exit code', async () => {
    const exits: ContainerExit[] = [];
    const unwatch = runtime.watchExits((e) => exits.push(e));
    try {
      await new Promise((r) => setTimeout(r, 500)); // let the event stream attach
      const a = assignment();
      const id = await runtime.start(a);
      await eventually(() => httpGet(a.port));
      await docker.getContainer(id).kill({ signal: 'SIGKILL' });

      await eventually(async () => expect(exits).toContainEqual({ containerId: id, instanceId: a.instanceId }));
      expect(await runtime.list({ instanceId: a.instanceId })).toEqual([
        expect.objectContaining({ containerId: id, status: 'exited' }),
      ]);
      expect(await runtime.exitCode(id)).toBe(137);
      await runtime.stop(id);
      expect(await runtime.list()).toEqual([]);
    } finally {
      unwatch();
    }
  });

  it('loads a missing image from the package blob, checking its digest, and downloads it only once', async () => {
    await docker.getImage(IMAGE).remove({ force: true });
    expect(await imageExists(IMAGE)).toBe(false);
    served = { digest, file: tarball };
    blobRequests = 0;

    const a = assignment();
    await Promise.all([runtime.ensureImage(a.package), runtime.ensureImage(a.package)]);
    expect(await imageExists(IMAGE)).toBe(true);
    expect(blobRequests).toBe(1);

    await docker.getImage(IMAGE).remove({ force: true });
    await runtime.ensureImage(a.package); // from the verified local cache this time
    expect(blobRequests).toBe(1);

    const id = await runtime.start(a);
    expect(await eventually(() => httpGet(a.port))).toContain('hello from mammoth');
    await runtime.stop(id);
  });

  it('refuses a blob whose sha256 is not its digest, and loads nothing', async () => {
    const other = `mammoth-test/hello:int-${suffix}-other`;
    const wrong = `sha256:${'0'.repeat(64)}`;
    served = { digest: wrong, file: tarball };
    const pkg = { name: 'hello', version: '2', digest: wrong, format: 'image' as const, imageRef: other };
    await expect(runtime.ensureImage(pkg)).rejects.toThrow(`blob ${wrong} downloaded with ${digest}`);
    expect(await imageExists(other)).toBe(false);
  });

  it('fails to start an assignment whose image is missing, leaving no container behind', async () => {
    const a = assignment({
      package: { name: 'nope', version: '1', digest, format: 'image', imageRef: `mammoth-test/none:${suffix}` },
    });
    await expect(runtime.start(a)).rejects.toThrow();
    expect(await runtime.list()).toEqual([]);
  });
});
