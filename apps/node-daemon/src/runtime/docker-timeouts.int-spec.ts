import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { BusMessage, KafkaEventBus, parseHeartbeat, Subscription, Topics } from '@mammoth/events';
import { Heartbeater } from '../agent/heartbeat';
import { readinessOf } from '../agent/readiness';
import { ReconcileLoop } from '../agent/reconcile-loop';
import { ReportQueue } from '../agent/report-queue';
import { DockerSocketProxy } from '../testing/docker-socket-proxy';
import { DockerRuntime } from './docker-runtime';
import { PackageCache } from './package-cache';

jest.setTimeout(120_000);

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const ENGINE = '/var/run/docker.sock';
const suffix = randomBytes(3).toString('hex');
const NODE_ID = `int-hung-${suffix}`;
const IMAGE = `mammoth-test/hung:int-${suffix}`;
const TIMEOUTS = { callMs: 400, loadMs: 600 };
const timing = { intervalMs: 1000, timeoutMs: 300, gracePeriodMs: 0, unhealthyThreshold: 1, healthyThreshold: 1 };

async function eventually<T>(fn: () => T | Promise<T>, timeoutMs = 30000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('Docker calls against a hung engine (a socket that accepts and never answers)', () => {
  let dir: string;
  let proxy: DockerSocketProxy;
  let runtime: DockerRuntime;
  const pkg = {
    name: 'p',
    version: '1',
    digest: `sha256:${'1'.repeat(64)}`,
    format: 'image' as const,
    imageRef: IMAGE,
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mammoth-hung-int-'));
    proxy = new DockerSocketProxy(join(dir, 'docker.sock'), null);
    await proxy.listen();
    runtime = new DockerRuntime(
      new Docker({ socketPath: proxy.path }),
      NODE_ID,
      new PackageCache(join(dir, 'packages'), { openBlob: () => Promise.reject(new Error('no blobs here')) }),
      '127.0.0.1',
      TIMEOUTS,
    );
  });
  afterAll(async () => {
    await proxy?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('fails each call with a timeout that names it, and closes the hung connections', async () => {
    await expect(runtime.ping()).rejects.toThrow('docker ping did not answer within 400 ms');
    await expect(runtime.list()).rejects.toThrow('docker list did not answer within 400 ms');
    await expect(
      runtime.start({
        instanceId: randomUUID(),
        app: 'a',
        package: pkg,
        resources: { cpuMillis: 100, memoryMiB: 16, diskMiB: 0 },
        port: 31999,
        env: {},
      }),
    ).rejects.toThrow('docker network list did not answer within 400 ms');
    await expect(runtime.stop('0'.repeat(64))).rejects.toThrow('docker stop did not answer within 5400 ms');
    await expect(runtime.exitCode('0'.repeat(64))).rejects.toThrow('docker inspect did not answer within 400 ms');
    await expect(runtime.ensureImage(pkg)).rejects.toThrow('docker image inspect did not answer within 400 ms');
    expect(await runtime.probe('0'.repeat(64), { kind: 'command', command: ['true'], ...timing }, 31999)).toEqual({
      healthy: false,
      message: 'command timed out after 300 ms',
    });
    // Only the image inspect, which dockerode cannot abort, may still hold its connection.
    await eventually(() => expect(proxy.open).toBeLessThanOrEqual(1));
  });

  it('gives up an image load that the engine takes in and never finishes', async () => {
    const blob = Buffer.from('not really an image');
    const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;
    // An engine that knows no image and swallows the upload.
    const engine = createServer((req) => {
      if (req.method === 'GET') return void req.socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}');
      req.resume();
    });
    const socket = join(dir, 'loading.sock');
    await new Promise<void>((r) => engine.listen(socket, r));
    try {
      const loading = new DockerRuntime(
        new Docker({ socketPath: socket }),
        NODE_ID,
        new PackageCache(join(dir, 'packages'), { openBlob: () => Promise.resolve(Readable.from([blob])) }),
        '127.0.0.1',
        TIMEOUTS,
      );
      await expect(loading.ensureImage({ ...pkg, digest })).rejects.toThrow('docker load did not answer within 600 ms');
    } finally {
      engine.closeAllConnections();
      await new Promise((r) => engine.close(r));
    }
  });
});

describe('a node whose dockerd freezes reports itself not ready, and ready again when it thaws (real Docker and Kafka)', () => {
  const topics = new Topics(`t${Date.now().toString(36)}${suffix}`);
  const bus = new KafkaEventBus(BROKERS, 'node-daemon-hung-int');
  let dir: string;
  let proxy: DockerSocketProxy;
  let sub: Subscription;
  const beats: BusMessage[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mammoth-frozen-int-'));
    proxy = new DockerSocketProxy(join(dir, 'docker.sock'), ENGINE);
    await proxy.listen();
    await bus.ensureTopics(topics.specs({ partitions: 1 }).filter((s) => s.topic === topics.heartbeats()));
    sub = await bus.subscribe({
      groupId: `hb-${randomUUID()}`,
      topics: [topics.heartbeats()],
      fromBeginning: true,
      commitToKafka: false,
      eachBatch: async (b) => void beats.push(...b.messages),
    });
  });
  afterAll(async () => {
    await sub?.stop();
    await bus.deleteTopicsOf(topics.prefix);
    await bus.disconnect();
    await proxy?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('carries reconcile progress in its heartbeats: the last answer, the error, and ready false past the limit', async () => {
    const logged: string[] = [];
    const runtime = new DockerRuntime(
      new Docker({ socketPath: proxy.path }),
      NODE_ID,
      new PackageCache(join(dir, 'packages'), { openBlob: () => Promise.reject(new Error('no blobs here')) }),
      '127.0.0.1',
      TIMEOUTS,
    );
    const loop = new ReconcileLoop({
      nodeId: NODE_ID,
      runtime,
      reports: new ReportQueue({ reportInstances: () => Promise.resolve() }),
      desired: () => new Map(),
      log: (m) => logged.push(m),
    });
    const heartbeat = new Heartbeater({
      bus,
      topic: topics.heartbeats(),
      nodeId: NODE_ID,
      intervalMs: 200,
      log: (m) => logged.push(m),
      readiness: (now) => readinessOf(loop.progress(), now.getTime(), 1500),
    });
    const ticker = setInterval(() => void loop.trigger(), 200);
    const latest = () => parseHeartbeat(beats[beats.length - 1]?.value ?? '');
    try {
      heartbeat.start();
      await eventually(() => expect(latest()).toMatchObject({ nodeId: NODE_ID, ready: true }));

      proxy.freeze();
      await eventually(() =>
        expect(latest()).toMatchObject({
          ready: false,
          reconcile: { error: 'docker list did not answer within 400 ms' },
        }),
      );
      expect(logged).toContainEqual(expect.stringContaining('reporting not ready'));

      proxy.thaw();
      await eventually(() => expect(latest()).toMatchObject({ ready: true, reconcile: { error: null } }));
      expect(logged).toContainEqual('container runtime answers again: reporting ready');
    } finally {
      clearInterval(ticker);
      heartbeat.stop();
      await loop.drain();
    }
  });
});
