import { AppSpec, decideApp, evolveApp, initialAppState, STALE_REASON } from '@mammoth/domain';
import { AppEvent, makeEvent, streamIds } from '@mammoth/events';
import { PgEventStore } from '@mammoth/event-store';
import { createTestDatabase, TestDatabase } from '@mammoth/event-store/testing/test-infra';
import { AggregateRepository } from '../../scheduling/aggregate-repository';
import { converge } from '../../scheduling/converge';
import { PlanQueue } from '../../scheduling/plan-queue';
import { seededRandom } from '../../scheduling/random';
import { ClusterState } from '../../infra/cluster-state';
import { NodeRepair } from './node-repair';

const pkg = {
  name: 'web',
  version: '1',
  digest: `sha256:${'ab'.repeat(32)}`,
  format: 'image' as const,
  imageRef: 'web:1',
};
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
const spec = (name: string, instances: number): AppSpec => ({
  name,
  package: pkg,
  instances,
  resources: { cpuMillis: 100, memoryMiB: 64, diskMiB: 0 },
  env: {},
  constraints: [],
  strategy: 'spread',
});
const ctx = (correlationId: string) => ({ correlationId, actor: 'test', timestamp: new Date().toISOString() });
const at = '2026-11-22T10:00:00.000Z';
const lostCmd = {
  type: 'MarkNodeLost' as const,
  at,
  lastSeen: '2026-11-22T09:59:50.000Z',
  since: '2026-11-22T09:00:00.000Z',
  lostAfterMs: 5000,
};

describe('NodeRepair against PostgreSQL: a mass node failure', () => {
  let db: TestDatabase;
  let store: PgEventStore;
  let repo: AggregateRepository;
  let cluster: ClusterState;
  let repair: NodeRepair;
  const APPS = ['a', 'b', 'c'];

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PgEventStore(db.pool);
    const random = seededRandom({ schedulerSeed: 'node-repair' });
    repo = new AggregateRepository(store, random);
    cluster = new ClusterState(store);
    const plans = new PlanQueue(repo, cluster, random);
    repair = new NodeRepair(plans, cluster);
    for (const n of ['n1', 'n2', 'n3', 'n4'])
      await store.append([{ streamId: streamIds.node(n), expectedVersion: 0, events: [node(n)] }], ctx('setup'));
    // Spread: 4 instances of each app land one per node.
    for (const app of APPS)
      await plans.commit(
        converge(app, ctx(`deploy-${app}`), (s) => decideApp({ type: 'DeployApp', spec: spec(app, 4) }, s)),
      );
  });

  afterAll(() => db?.drop());

  const appEvents = async (app: string) => (await store.readStream(streamIds.app(app))).events;

  it('commits every verdict of a sweep in one transaction, and a verdict already decided writes nothing', async () => {
    const appendAll = jest.spyOn(repo, 'appendAll');
    const written = await repair.judge(
      ['n1', 'n2'].map((nodeId) => ({ nodeId, cmd: lostCmd, ctx: ctx(`lost-${nodeId}`) })),
    );
    expect([...written.keys()].sort()).toEqual(['n1', 'n2']);
    expect(appendAll).toHaveBeenCalledTimes(1);
    appendAll.mockRestore();
    expect((await repair.judge([{ nodeId: 'n1', cmd: lostCmd, ctx: ctx('again') }])).size).toBe(0);
    const n2 = (await store.readStream(streamIds.node('n2'))).events.at(-1)!;
    expect([n2.event.type, n2.metadata.correlationId]).toEqual(['NodeLost', 'lost-n2']);
  });

  it('replaces the instances of both lost nodes with one decision per app, on the nodes still ready', async () => {
    const lost = [
      { nodeId: 'n1', reason: 'silent' },
      { nodeId: 'n2', reason: 'silent too' },
    ];
    const schedulerCommits = jest.spyOn(repo, 'appendAll');
    const placed = await repair.replaceLost(lost, ctx('replace'));
    expect(Object.fromEntries(placed)).toEqual({ n1: 3, n2: 3 });
    // Three apps, one group commit (the scheduler plans them on one view): not apps × nodes transactions.
    expect(schedulerCommits).toHaveBeenCalledTimes(1);
    schedulerCommits.mockRestore();

    for (const app of APPS) {
      const events = await appEvents(app);
      const lostEvents = events.filter((e) => e.event.type === 'InstanceLost');
      expect(lostEvents.map((e) => (e.event.data as { nodeId: string }).nodeId).sort()).toEqual(['n1', 'n2']);
      const state = events.reduce((s, e) => evolveApp(s, e.event as AppEvent), initialAppState());
      if (state.status !== 'active') throw new Error(`${app} not active`);
      expect(state.live.size).toBe(4);
      expect([...state.live.values()].every((i) => i.nodeId === 'n3' || i.nodeId === 'n4')).toBe(true);
    }

    // Idempotent: a second detector (or a resumed sweep) finds nothing left to replace.
    const before = (await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0].n;
    expect(Object.fromEntries(await repair.replaceLost(lost, ctx('again')))).toEqual({ n1: 0, n2: 0 });
    expect((await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0].n).toBe(before);
  });

  it("stops a recovered node's stale instances only once their replacements run, reading the instances' reports", async () => {
    const recovered = { type: 'MarkNodeRecovered' as const, at, heartbeatAt: at };
    await repair.judge([{ nodeId: 'n1', cmd: recovered, ctx: ctx('recovered') }]);
    const n1 = async () => (await store.readStream(streamIds.node('n1'))).events.map((e) => e.event.type);
    const before = await n1();
    expect(await repair.stopStale('n1', ctx('stale-early'))).toBe(3);
    expect(await n1()).toEqual(before);

    for (const app of APPS) {
      const state = (await appEvents(app)).reduce((s, e) => evolveApp(s, e.event as AppEvent), initialAppState());
      if (state.status !== 'active') throw new Error(`${app} not active`);
      for (const i of state.live.values())
        await store.append(
          [
            {
              streamId: streamIds.instance(i.instanceId),
              expectedVersion: 0,
              events: [
                makeEvent('InstanceRunning', { instanceId: i.instanceId, app, nodeId: i.nodeId, containerId: 'c' }),
              ],
            },
          ],
          ctx('running'),
        );
    }
    expect(await repair.stopStale('n1', ctx('stale'))).toBe(0);
    expect((await n1()).slice(before.length)).toEqual(APPS.map(() => 'InstanceUnassigned'));
    for (const app of APPS)
      expect((await appEvents(app)).at(-1)!.event).toMatchObject({
        type: 'InstanceStopRequested',
        data: { nodeId: 'n1', reason: STALE_REASON },
      });
  });
});
