import { DomainEvent, KafkaEventBus, makeEvent, streamIds, Topics } from '@mammoth/events';
import { OutboxRelay, PgEventStore } from '@mammoth/event-store';
import {
  createTestBus,
  createTestDatabase,
  dropTestTopics,
  eventually,
  TestDatabase,
} from '@mammoth/event-store/testing/test-infra';
import { streamsBehind } from '../runner/catch-up';
import { ProjectionRunner } from '../runner/projection-runner';
import { requestRebuild } from '../runner/rebuild-cli';
import { RebuildListener } from '../runner/rebuild-listener';
import { at, DIGEST } from '@mammoth/read-models/testing/recorded';
import { append, quietLog } from '../testing/scenario';
import { capacityProjection } from './capacity.projection';

jest.setTimeout(120_000);

const I = (n: number) => `6f1c2a3b-0000-4000-8000-${String(n).padStart(12, '0')}`;
const pkg = { name: 'web', version: '1', digest: DIGEST, format: 'image' as const, imageRef: 'web:1' };
const registered = (nodeId: string, cpuMillis: number, to = 20009) =>
  makeEvent('NodeRegistered', {
    nodeId,
    hostname: nodeId,
    address: '127.0.0.1',
    capacity: { cpuMillis, memoryMiB: 4096, diskMiB: 1000 },
    portRange: { from: 20000, to },
    labels: {},
    driver: 'sim',
  });
const assigned = (n: number, port: number, cpuMillis = 500) =>
  makeEvent('InstanceAssigned', {
    instanceId: I(n),
    app: 'web',
    package: pkg,
    resources: { cpuMillis, memoryMiB: 128, diskMiB: 10 },
    port,
    env: {},
  });
const unassigned = (n: number) =>
  makeEvent('InstanceUnassigned', { instanceId: I(n), app: 'web', reason: 'scaled down' });

/** writeCapacityScenario appends two nodes' history: placements, a release, a re-registration with a narrower range, and a lost node. */
async function writeCapacityScenario(store: PgEventStore): Promise<void> {
  const on = (nodeId: string, ...events: DomainEvent[]) => ({ [streamIds.node(nodeId)]: events });
  await append(store, 1, on('n1', registered('n1', 2000)));
  await append(store, 2, on('n2', registered('n2', 1000)));
  await append(store, 3, {
    ...on('n1', assigned(1, 20000), assigned(2, 20001, 1000)),
    ...on('n2', assigned(3, 20000)),
  });
  await append(store, 4, on('n1', unassigned(1)));
  await append(store, 5, on('n2', registered('n2', 1000, 20003), assigned(4, 20001, 250)));
  await append(
    store,
    6,
    on('n2', makeEvent('NodeLost', { nodeId: 'n2', at: at(6), lastSeen: at(5), reason: 'no heartbeat' })),
  );
  await append(store, 7, on('n3', registered('n3', 1000), assigned(5, 20000), assigned(6, 20001)));
}

describe('capacity projection against PostgreSQL and Kafka', () => {
  let db: TestDatabase;
  let bus: KafkaEventBus;
  let topics: Topics;
  let store: PgEventStore;
  let relay: OutboxRelay;
  let runner: ProjectionRunner;
  let listener: RebuildListener;
  const log = quietLog();
  const caughtUp = async () => expect(await streamsBehind(db.pool, capacityProjection)).toBe(0);
  const snapshot = async () => ({
    nodes: (await db.pool.query('SELECT * FROM rm_node_capacity ORDER BY node_id')).rows,
    assignments: (await db.pool.query('SELECT * FROM rm_capacity_assignments ORDER BY instance_id')).rows,
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ bus, topics } = await createTestBus('projector-capacity'));
    store = new PgEventStore(db.pool);
    relay = new OutboxRelay({ connectionString: db.url }, bus, topics, { idlePollMs: 50 });
    relay.start();
    runner = new ProjectionRunner(capacityProjection, { pool: db.pool, bus, topics, log });
    listener = new RebuildListener(
      { connectionString: db.url },
      (name) => (name === runner.name ? runner.rebuild() : Promise.reject(new Error(name))),
      log,
      500,
    );
    await Promise.all([runner.start(), listener.start()]);
  });

  afterAll(async () => {
    await listener?.stop();
    await runner?.stop();
    await relay?.stop();
    if (bus) await dropTestTopics(bus, topics);
    await bus?.disconnect();
    await db?.drop();
  });

  it('keeps each node’s offer, allocation and free room from node events that travel the relay and Kafka', async () => {
    await writeCapacityScenario(store);
    await eventually(caughtUp);
    const { nodes, assignments } = await snapshot();
    expect(nodes.slice(0, 2)).toEqual([
      expect.objectContaining({
        node_id: 'n1',
        status: 'ready',
        cpu_millis: 2000,
        allocated_cpu_millis: 1000,
        free_cpu_millis: 1000,
        allocated_memory_mib: 128,
        free_memory_mib: 3968,
        allocated_disk_mib: 10,
        free_disk_mib: 990,
        ports_total: 10,
        ports_used: 1,
        held_ports: [20001],
        instances: 1,
        updated_at: new Date(at(4)),
      }),
      expect.objectContaining({
        node_id: 'n2',
        status: 'lost',
        cpu_millis: 1000,
        allocated_cpu_millis: 750,
        free_cpu_millis: 250,
        ports_total: 4,
        ports_used: 2,
        held_ports: [20000, 20001],
        instances: 2,
        updated_at: new Date(at(6)),
      }),
    ]);
    expect(nodes[2]).toMatchObject({ node_id: 'n3', status: 'ready', allocated_cpu_millis: 1000, instances: 2 });
    expect(assignments.map((a) => [a.instance_id, a.node_id, a.port])).toEqual([
      [I(2), 'n1', 20001],
      [I(3), 'n2', 20000],
      [I(4), 'n2', 20001],
      [I(5), 'n3', 20000],
      [I(6), 'n3', 20001],
    ]);
  });

  it('releases everything a removed node held, and a node registering again after removal starts afresh', async () => {
    const n3 = async () =>
      (await db.pool.query(`SELECT status, allocated_cpu_millis, instances FROM rm_node_capacity WHERE node_id = 'n3'`))
        .rows[0];
    const heldOnN3 = async () =>
      Number((await db.pool.query(`SELECT count(*) AS n FROM rm_capacity_assignments WHERE node_id = 'n3'`)).rows[0].n);
    const released = [
      { instanceId: I(5), app: 'web' },
      { instanceId: I(6), app: 'web' },
    ];
    await append(store, 8, {
      [streamIds.node('n3')]: [makeEvent('NodeRemoved', { nodeId: 'n3', reason: 'lost too long', released })],
    });
    await eventually(caughtUp);
    expect(await n3()).toEqual({ status: 'removed', allocated_cpu_millis: 0, instances: 0 });
    expect(await heldOnN3()).toBe(0);
    await append(store, 9, { [streamIds.node('n3')]: [registered('n3', 1000), unassigned(5)] });
    await eventually(caughtUp);
    expect(await n3()).toEqual({ status: 'ready', allocated_cpu_millis: 0, instances: 0 });
  });

  it('drops events the relay publishes twice', async () => {
    const before = await snapshot();
    const duplicates = runner.stats.duplicates;
    await db.pool.query('INSERT INTO outbox (position) SELECT position FROM events');
    const total = Number((await db.pool.query('SELECT count(*) AS n FROM events')).rows[0].n);
    await eventually(async () => expect(runner.stats.duplicates - duplicates).toBe(total));
    expect(await snapshot()).toEqual(before);
  });

  it('rebuilds from offset zero on `rebuild capacity` while running, ending with the same tables', async () => {
    const live = await snapshot();
    const printed: string[] = [];
    await requestRebuild(capacityProjection, {
      pg: { connectionString: db.url },
      print: (l) => printed.push(l),
      pollMs: 100,
    });
    expect(printed[printed.length - 1]).toBe('done');
    expect(runner.stats.rebuilds).toBe(1);
    expect(await snapshot()).toEqual(live);
  });
});
