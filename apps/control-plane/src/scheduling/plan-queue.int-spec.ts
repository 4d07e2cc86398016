import { AppSpec, AppState, decideApp, decideNode, evolveNode, initialNodeState, NodeState } from '@mammoth/domain';
import { makeEvent, NodeEvent, streamIds } from '@mammoth/events';
import { PgEventStore } from '@mammoth/event-store';
import { createTestDatabase, TestDatabase } from '@mammoth/event-store/testing/test-infra';
import { AggregateRepository } from './aggregate-repository';
import { DomainException } from '../common/domain.exception';
import { ClusterState } from '../infra/cluster-state';
import { converge } from './converge';
import { PlanQueue } from './plan-queue';
import { seededRandom } from './random';

const pkg = {
  name: 'web',
  version: '1',
  digest: `sha256:${'ab'.repeat(32)}`,
  format: 'image' as const,
  imageRef: 'web:1',
};
const NODES = ['n1', 'n2', 'n3'];
const node = (nodeId: string) =>
  makeEvent('NodeRegistered', {
    nodeId,
    hostname: nodeId,
    address: '127.0.0.1',
    capacity: { cpuMillis: 1000, memoryMiB: 1024, diskMiB: 0 },
    portRange: { from: 20000, to: 20099 },
    labels: {},
    driver: 'sim',
  });
const spec = (name: string, instances: number, cpuMillis = 100): AppSpec => ({
  name,
  package: pkg,
  instances,
  resources: { cpuMillis, memoryMiB: 64, diskMiB: 0 },
  env: {},
  constraints: [],
  strategy: 'spread',
});
const ctx = (correlationId: string) => ({ correlationId, actor: 'test', timestamp: new Date().toISOString() });

describe('PlanQueue group commit against PostgreSQL', () => {
  let db: TestDatabase;
  let store: PgEventStore;
  let repo: AggregateRepository;
  let plans: PlanQueue;

  const deploy = async (name: string, instances: number, cpuMillis = 100, queue = plans) => {
    const decide = (s: AppState) => decideApp({ type: 'DeployApp', spec: spec(name, instances, cpuMillis) }, s);
    return (await queue.commit(converge(name, ctx(`deploy-${name}`), decide, { checkFits: true }))).state;
  };
  const scale = async (name: string, instances: number) =>
    (
      await plans.commit(
        converge(name, ctx(`scale-${name}`), (s) => decideApp({ type: 'ScaleApp', name, instances }, s)),
      )
    ).state;
  const nodeState = async (nodeId: string) =>
    (await store.readStream(streamIds.node(nodeId))).events.reduce(
      (s: NodeState, e) => evolveNode(s, e.event as NodeEvent),
      initialNodeState(),
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PgEventStore(db.pool);
    const random = seededRandom({ schedulerSeed: 'group-commit' });
    repo = new AggregateRepository(store, random);
    plans = new PlanQueue(repo, new ClusterState(store), random);
    for (const n of NODES)
      await store.append([{ streamId: streamIds.node(n), expectedVersion: 0, events: [node(n)] }], ctx('setup'));
  });

  afterAll(() => db?.drop());

  it('commits concurrent deploys in fewer transactions than commands, each event carrying its own command, no node overcommitted', async () => {
    const appendAll = jest.spyOn(repo, 'appendAll');
    const names = Array.from({ length: 8 }, (_, i) => `app-${i}`);
    const states = await Promise.all(names.map((n) => deploy(n, 3)));
    expect(states.map((s) => (s.status === 'none' ? 0 : s.live.size))).toEqual(names.map(() => 3));
    expect(appendAll.mock.calls.length).toBeLessThan(names.length);
    appendAll.mockRestore();

    for (const n of names) {
      const app = await store.readStream(streamIds.app(n));
      expect(app.events.map((e) => e.event.type)).toEqual([
        'AppDeployed',
        'InstancePlaced',
        'InstancePlaced',
        'InstancePlaced',
      ]);
      expect(new Set(app.events.map((e) => e.metadata.correlationId))).toEqual(new Set([`deploy-${n}`]));
    }
    let placed = 0;
    for (const n of NODES) {
      const s = await nodeState(n);
      if (s.status !== 'registered') throw new Error(`${n} not registered`);
      expect(s.allocated.cpuMillis).toBeLessThanOrEqual(1000);
      expect(s.usedPorts.size).toBe(s.assignments.size);
      placed += s.assignments.size;
    }
    expect(placed).toBe(24);
  });

  it('refuses one bad command of a group alone, and runs a second command for the same app after the first', async () => {
    const results = await Promise.allSettled([
      deploy('fits', 1),
      deploy('too-big', 1, 5000),
      deploy('again', 2),
      scale('again', 1),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(DomainException);
    const again = await store.readStream(streamIds.app('again'));
    expect(again.events.map((e) => e.event.type)).toEqual([
      'AppDeployed',
      'InstancePlaced',
      'InstancePlaced',
      'AppScaled',
      'InstanceStopRequested',
    ]);
    expect((await store.readStream(streamIds.app('too-big'))).version).toBe(0);
  });

  it('re-plans on fresh state when another writer moved a node stream it read', async () => {
    const cluster = new ClusterState(store);
    const stale = new PlanQueue(repo, cluster, seededRandom({ schedulerSeed: 'stale' }));
    await cluster.refresh();
    // Another control plane places on every node after this one's cache was filled.
    await Promise.all(NODES.map((n) => deploy(`other-${n}`, 1, 1)));
    jest.spyOn(cluster, 'refresh').mockResolvedValueOnce(undefined); // the first attempt plans on the stale cache
    const reload = jest.spyOn(cluster, 'reload');
    const state = await deploy('late', 3, 1, stale);
    expect(state.status === 'active' && state.live.size).toBe(3);
    expect(reload).toHaveBeenCalled();
    for (const n of NODES) {
      const versions = (await store.readStream(streamIds.node(n))).events.map((e) => e.streamVersion);
      expect(versions).toEqual(versions.map((_, i) => i + 1));
    }
  });

  it("commits a churning app's queued commands one per group, so another app's command waits for none of them", async () => {
    await deploy('churn', 1, 1);
    const done: string[] = [];
    const churn = Array.from({ length: 6 }, (_, i) =>
      scale('churn', 2 + (i % 2)).then(() => void done.push(`churn-${i}`)),
    );
    const calm = deploy('calm', 1, 1).then(() => void done.push('calm'));
    await Promise.all([...churn, calm]);
    expect(done.indexOf('calm')).toBeLessThan(done.indexOf('churn-1'));
    expect(done.filter((d) => d.startsWith('churn'))).toEqual(churn.map((_, i) => `churn-${i}`));
  });

  it('group-commits a node-only command with app commands on the same nodes, and refuses a failing decision alone', async () => {
    const appendAll = jest.spyOn(repo, 'appendAll');
    const info = { ...node('n4').data };
    const results = await Promise.allSettled([
      deploy('beside', 3, 1),
      plans.commit({
        app: null,
        ctx: ctx('register-n4'),
        decide: ({ nodes }) => {
          const events = decideNode({ type: 'RegisterNode', info }, nodes.node('n4'));
          if (!Array.isArray(events)) throw new Error('refused');
          return { app: [], nodes: new Map([['n4', [...events]]]), value: undefined };
        },
      }),
      plans.commit({
        app: 'broken',
        ctx: ctx('broken'),
        decide: () => {
          throw new TypeError('a bug in one decision');
        },
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(TypeError);
    expect(appendAll).toHaveBeenCalledTimes(1);
    appendAll.mockRestore();
    expect((await store.readStream(streamIds.node('n4'))).events.map((e) => e.event.type)).toEqual(['NodeRegistered']);
    expect((await store.readStream(streamIds.app('broken'))).version).toBe(0);
  });

  it('writes nothing when a decision is repeated on a state that already holds it', async () => {
    const before = (await store.readStream(streamIds.app('beside'))).version;
    const again = await plans.commit(converge('beside', ctx('again'), () => []));
    expect([again.events, again.nodes.size]).toEqual([[], 0]);
    expect((await store.readStream(streamIds.app('beside'))).version).toBe(before);
  });
});
