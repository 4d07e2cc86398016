import { Writable } from 'node:stream';
import { DomainEvent, HealthCheck, makeEvent, streamIds } from '@mammoth/events';
import { AppendContext, PgEventStore } from '@mammoth/event-store';
import { createTestDatabase, TestDatabase } from '@mammoth/event-store/testing/test-infra';
import { initLogging, LoopBeats } from '@mammoth/platform';
import { newContext } from '../../common/command-context';
import { AggregateRepository } from '../../scheduling/aggregate-repository';
import { Loops } from '../../scheduling/loops';
import { PlanQueue } from '../../scheduling/plan-queue';
import { seededRandom } from '../../scheduling/random';
import { ClusterState } from '../../infra/cluster-state';
import { InstanceRepair, REPAIR_ACTOR } from './instance-repair';
import { InstanceRepairLoop } from './instance-repair.service';
import { RepairCandidates } from './repair-candidates';

const pkg = {
  name: 'web',
  version: '1',
  digest: `sha256:${'ab'.repeat(32)}`,
  format: 'image' as const,
  imageRef: 'web:1',
};
const resources = { cpuMillis: 500, memoryMiB: 64, diskMiB: 0 };
const CHECK: HealthCheck = {
  kind: 'http',
  path: '/healthz',
  expectedStatus: 200,
  intervalMs: 1000,
  timeoutMs: 500,
  gracePeriodMs: 0,
  unhealthyThreshold: 2,
  healthyThreshold: 1,
};
const I = (n: number) => `6f1c2a3b-0000-4000-8000-${String(n).padStart(12, '0')}`;
/** lines are the JSON log lines the process wrote, with their correlation ids. */
const lines: { msg: string; correlationId?: string }[] = [];
initLogging(
  'control-plane',
  { level: 'info' },
  new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as (typeof lines)[number]);
      done();
    },
  }),
);

/** at is a repair's command context, at `ms` (now unless given). */
const at = (ms?: number): AppendContext => {
  const ctx = newContext(REPAIR_ACTOR);
  return ms === undefined ? ctx : { ...ctx, timestamp: new Date(ms).toISOString() };
};
const BACKOFF = { backoff: { baseMs: 10_000, maxMs: 60_000, resetAfterMs: 120_000 } };
const node = (nodeId: string) =>
  makeEvent('NodeRegistered', {
    nodeId,
    hostname: nodeId,
    address: '127.0.0.1',
    capacity: { cpuMillis: 4000, memoryMiB: 4096, diskMiB: 0 },
    portRange: { from: 20000, to: 20099 },
    labels: {},
    driver: 'sim',
  });

describe('InstanceRepair against PostgreSQL', () => {
  let db: TestDatabase;
  let store: PgEventStore;
  let repair: InstanceRepair;
  let candidates: RepairCandidates;
  const append = (streamId: string, ...events: DomainEvent[]) =>
    store.append([{ streamId, expectedVersion: 'any', events }], {
      correlationId: 'c',
      actor: 'test',
      timestamp: new Date().toISOString(),
    });
  const report = (n: number, app: string) => ({ instanceId: I(n), app, nodeId: 'n1' });
  /** controlPlane is one control plane's instance repair, with its own plan queue and cluster cache. */
  const controlPlane = (seed: string) => {
    const random = seededRandom({ schedulerSeed: seed });
    const repo = new AggregateRepository(store, random);
    return new InstanceRepair(new PlanQueue(repo, new ClusterState(store), random), repo, BACKOFF);
  };

  /** deploy records an app with one instance on n1, running in container c<n>, as the scheduler and the node would have. */
  async function deploy(app: string, n: number, over: { healthCheck?: HealthCheck; maxRestarts?: number } = {}) {
    await append(
      streamIds.app(app),
      makeEvent('AppDeployed', { name: app, package: pkg, instances: 1, resources, env: {}, ...over }),
    );
    await place(app, n, over.healthCheck);
  }
  /** place records instance n of an app on n1, running in container c<n>. */
  async function place(app: string, n: number, healthCheck?: HealthCheck) {
    await append(
      streamIds.app(app),
      makeEvent('InstancePlaced', {
        app,
        instanceId: I(n),
        nodeId: 'n1',
        host: '127.0.0.1',
        port: 20000 + n,
        ...(healthCheck ? { healthCheckKind: healthCheck.kind } : {}),
      }),
    );
    await append(
      streamIds.node('n1'),
      makeEvent('InstanceAssigned', { instanceId: I(n), app, package: pkg, resources, port: 20000 + n, env: {} }),
    );
    await append(streamIds.instance(I(n)), makeEvent('InstanceRunning', { ...report(n, app), containerId: `c${n}` }));
  }
  const unhealthy = (n: number, app: string) =>
    append(
      streamIds.instance(I(n)),
      makeEvent('InstanceHealthChanged', {
        ...report(n, app),
        healthy: false,
        message: 'HTTP 404 from GET /healthz (expected 200)',
        containerId: `c${n}`,
      }),
    );
  const types = async (streamId: string) => (await store.readStream(streamId)).events.map((e) => e.event.type);

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PgEventStore(db.pool);
    repair = controlPlane('repair-test');
    candidates = new RepairCandidates(store);
    await append(streamIds.node('n1'), node('n1'));
    await append(streamIds.node('n2'), node('n2'));
  });

  afterAll(() => db?.drop());

  it('replaces an unhealthy instance on the other node in one commit, naming the replacement and the verdict as cause', async () => {
    await deploy('web', 1, { healthCheck: CHECK });
    const start = await candidates.head();
    await unhealthy(1, 'web');
    expect((await candidates.after(start)).items).toEqual([I(1)]);
    expect(await candidates.sweep(new Date(0))).toContain(I(1));

    const { events, retired } = await repair.repair(I(1), at());
    expect(retired).toBe(true);
    const [stop, placed, streak] = events;
    expect(stop).toMatchObject({
      type: 'InstanceStopRequested',
      data: { instanceId: I(1), nodeId: 'n1', reason: 'unhealthy: HTTP 404 from GET /healthz (expected 200)' },
    });
    expect(placed).toMatchObject({ type: 'InstancePlaced', data: { nodeId: 'n2', healthCheckKind: 'http' } });
    expect(stop.data).toMatchObject({ replacedBy: (placed.data as { instanceId: string }).instanceId });
    expect(streak).toMatchObject({
      type: 'AppRepairBackedOff',
      data: { attempts: 1, reason: 'unhealthy: HTTP 404 from GET /healthz (expected 200)' },
    });
    expect((await types(streamIds.node('n1'))).slice(-1)).toEqual(['InstanceUnassigned']);
    const n2 = await store.readStream(streamIds.node('n2'));
    expect(n2.events.at(-1)!.event).toMatchObject({
      type: 'InstanceAssigned',
      data: { app: 'web', healthCheck: CHECK },
    });
    const health = (await store.readStream(streamIds.instance(I(1)))).events.at(-1)!;
    expect(n2.events.at(-1)!.metadata).toMatchObject({
      actor: 'instance-repair',
      causationId: health.metadata.eventId,
    });
  });

  it('writes nothing the second time: the instance is no longer live', async () => {
    const before = await types(streamIds.app('web'));
    expect(await repair.repair(I(1), at())).toEqual({ events: [], retired: true, deferred: null });
    expect(await types(streamIds.app('web'))).toEqual(before);
  });

  it('replaces an instance once when two control planes decide at the same time', async () => {
    await deploy('race', 2, { healthCheck: CHECK });
    await unhealthy(2, 'race');
    const other = controlPlane('other');
    const results = await Promise.all([repair.repair(I(2), at()), other.repair(I(2), at())]);
    expect(results.map((r) => r.events.length).sort()).toEqual([0, 3]);
    expect((await types(streamIds.app('race'))).filter((t) => t === 'InstancePlaced')).toHaveLength(2);
  });

  it('leaves a healthy or merely restarting instance alone, and replaces a crash-looping one with the reason', async () => {
    await deploy('loop', 3, { maxRestarts: 1 });
    const exit = (c: string, s: number) =>
      makeEvent('InstanceExited', {
        ...report(3, 'loop'),
        containerId: c,
        exitCode: 3,
        at: new Date(Date.UTC(2024, 0, 1, 0, 0, s)).toISOString(),
      });
    await append(
      streamIds.instance(I(3)),
      exit('c3', 0),
      makeEvent('InstanceRunning', { ...report(3, 'loop'), containerId: 'c3b' }),
    );
    expect(await repair.repair(I(3), at())).toEqual({ events: [], retired: false, deferred: null });
    await append(streamIds.instance(I(3)), exit('c3b', 2));
    const { events } = await repair.repair(I(3), at());
    expect(events[0]).toMatchObject({
      type: 'InstanceStopRequested',
      data: { reason: 'crash loop: exited 2 times within 2.0 s (at most 1 restarts per 600 s), last exit code 3' },
    });
    expect(events[1]).toMatchObject({ type: 'InstancePlaced', data: { nodeId: 'n2' } });
  });

  it("waits for the app's backoff before replacing a replacement that fails too, twice as long the next time", async () => {
    await deploy('never', 4, { healthCheck: CHECK });
    await unhealthy(4, 'never');
    const first = await repair.repair(I(4), at());
    const second = (first.events[1].data as { instanceId: string }).instanceId;
    const failing = async (instanceId: string) => {
      await append(
        streamIds.instance(instanceId),
        makeEvent('InstanceRunning', { instanceId, app: 'never', nodeId: 'n2', containerId: 'x' }),
      );
      await append(
        streamIds.instance(instanceId),
        makeEvent('InstanceHealthChanged', {
          instanceId,
          app: 'never',
          nodeId: 'n2',
          healthy: false,
          message: 'down',
          containerId: 'x',
        }),
      );
    };
    await failing(second);
    const placedAt = Date.parse((await store.readStream(streamIds.app('never'))).events.at(-1)!.metadata.timestamp);

    const before = await types(streamIds.app('never'));
    const early = await repair.repair(second, at(placedAt + 5_000));
    expect(early).toEqual({ events: [], retired: false, deferred: { attempts: 1, nextAttemptAt: placedAt + 10_000 } });
    expect(await types(streamIds.app('never'))).toEqual(before);

    const due = await repair.repair(second, at(placedAt + 10_000));
    expect(due.events.map((e) => e.type)).toEqual(['InstanceStopRequested', 'InstancePlaced', 'AppRepairBackedOff']);
    const third = (due.events[1].data as { instanceId: string }).instanceId;
    await failing(third);
    const thirdAt = Date.parse((await store.readStream(streamIds.app('never'))).events.at(-1)!.metadata.timestamp);
    expect((await repair.repair(third, at(thirdAt + 15_000))).deferred).toEqual({
      attempts: 2,
      nextAttemptAt: thirdAt + 20_000,
    });
  });

  it("backs off per app: a second instance failing right after the first was replaced waits for the app's next attempt", async () => {
    await append(
      streamIds.app('pair'),
      makeEvent('AppDeployed', { name: 'pair', package: pkg, instances: 2, resources, env: {}, healthCheck: CHECK }),
    );
    await place('pair', 5, CHECK);
    await place('pair', 6, CHECK);
    await unhealthy(5, 'pair');
    await unhealthy(6, 'pair');
    const now = Date.now();
    const first = await repair.repair(I(5), at(now));
    expect(first.events.map((e) => e.type)).toEqual(['InstanceStopRequested', 'InstancePlaced', 'AppRepairBackedOff']);
    const before = await types(streamIds.app('pair'));
    expect(await repair.repair(I(6), at(now + 1_000))).toEqual({
      events: [],
      retired: false,
      deferred: { attempts: 1, nextAttemptAt: now + 10_000 },
    });
    expect(await types(streamIds.app('pair'))).toEqual(before);
    expect((await repair.repair(I(6), at(now + 10_000))).events[2]).toMatchObject({
      type: 'AppRepairBackedOff',
      data: { attempts: 2, nextAttemptAt: new Date(now + 30_000).toISOString() },
    });
  });

  it('runs each repair of the loop under a correlation id of its own, on its events and its log lines', async () => {
    await deploy('traced', 7, { healthCheck: CHECK });
    await deploy('traced-too', 8, { healthCheck: CHECK });
    await unhealthy(7, 'traced');
    await unhealthy(8, 'traced-too');
    const loop = new InstanceRepairLoop(
      { enabled: true, watchMs: 500, sweepMs: 15_000, startupLookbackMs: 0, ...BACKOFF },
      candidates,
      repair,
      new Loops(() => 0.5, new LoopBeats()),
    );
    const start = await store.head();
    expect(await loop.check([I(7), I(8)])).toBe(2);

    const written = (await store.readAll(start, 1000)).filter((e) => e.metadata.actor === REPAIR_ACTOR);
    for (const [n, app] of [
      [7, 'traced'],
      [8, 'traced-too'],
    ] as const) {
      const stop = written.find((e) => e.event.type === 'InstanceStopRequested' && e.event.data.instanceId === I(n))!;
      const id = stop.metadata.correlationId;
      expect(
        written
          .filter((e) => e.metadata.correlationId === id)
          .map((e) => e.event.type)
          .sort(),
      ).toEqual([
        'AppRepairBackedOff',
        'InstanceAssigned',
        'InstancePlaced',
        'InstanceStopRequested',
        'InstanceUnassigned',
      ]);
      expect(lines.filter((l) => l.correlationId === id).map((l) => l.msg)).toEqual([
        expect.stringMatching(new RegExp(`^instance ${I(n)} \\(${app}\\) replaced by `)),
      ]);
    }
    expect(new Set(written.map((e) => e.metadata.correlationId)).size).toBe(2);
  });
});
