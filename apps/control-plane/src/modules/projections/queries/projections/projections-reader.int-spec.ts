import { KafkaEventBus, makeEvent, streamIds, Topics } from '@mammoth/events';
import { PgEventStore } from '@mammoth/event-store';
import { appendRaw } from '@mammoth/event-store/testing/raw-append';
import {
  createTestBus,
  createTestDatabase,
  dropTestTopics,
  TestDatabase,
} from '@mammoth/event-store/testing/test-infra';
import { ClusterState } from '../../../../infra/cluster-state';
import { ProjectionsReader } from './projections-reader';

const ctx = { correlationId: 'c', actor: 'test', timestamp: '2026-11-22T10:00:00.000Z' };
const deployed = (name: string) =>
  makeEvent('AppDeployed', {
    name,
    instances: 1,
    env: {},
    resources: { cpuMillis: 100, memoryMiB: 64, diskMiB: 0 },
    package: { name: 'w', version: '1', digest: `sha256:${'0'.repeat(64)}`, format: 'image', imageRef: 'w:1' },
  });

describe('projections query (real PostgreSQL and Kafka): position, lag, status and error of each consumer', () => {
  let db: TestDatabase;
  let bus: KafkaEventBus;
  let topics: Topics;
  let store: PgEventStore;
  let cluster: ClusterState;

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ bus, topics } = await createTestBus('projections-reader'));
    store = new PgEventStore(db.pool);
    cluster = new ClusterState(store);
  });
  afterAll(async () => {
    if (bus) await dropTestTopics(bus, topics);
    await bus?.disconnect();
    await db?.drop();
  });

  it('shows a blocked Kafka projection, a running log projection and the control plane cache with a poisoned node', async () => {
    const app = topics.events('app');
    await bus.publish(
      app,
      ['one', 'two', 'three'].map((value) => ({ key: 'app-x', value, headers: {} })),
    );
    const [tp] = [...(await bus.topicEnds([app]))].filter(([, end]) => end === 3n).map(([k]) => k);
    const partition = Number(tp.slice(tp.lastIndexOf('/') + 1));
    const first = await store.append([{ streamId: 'app-x', expectedVersion: 0, events: [deployed('x')] }], ctx);
    await store.append([{ streamId: 'app-y', expectedVersion: 0, events: [deployed('y')] }], ctx);
    await appendRaw(db.pool, { streamId: streamIds.node('n1'), type: 'NodeRegistered', schemaVersion: 1, data: {} });
    await cluster.refresh();
    await db.pool.query(
      `INSERT INTO projection_runners (name, kind, sources, started_at) VALUES
         ('registry', 'kafka', $1, now()), ('lb-config', 'log', ARRAY['AppDeployed'], now())`,
      [topics.allEvents()],
    );
    await db.pool.query(
      `INSERT INTO projection_offsets (projection, topic, partition, next_offset) VALUES ($1, $2, $3, 1)`,
      ['registry', app, partition],
    );
    await db.pool.query(`INSERT INTO projection_positions (projection, position) VALUES ('lb-config', $1)`, [
      first.positions[0],
    ]);
    await db.pool.query(
      `INSERT INTO projection_dead_letters (projection, stream_id, stream_version, source, payload, error, status)
       VALUES ('registry', 'app-x', 2, 't', 'two', 'invalid event AppScaled: to: negative', 'parked'),
              ('registry', 'app-x', 3, 't', 'three', 'waits behind a parked event', 'waiting')`,
    );

    const got = await new ProjectionsReader(db.pool, new PgEventStore(db.pool), bus, cluster).projections();
    expect(got).toEqual([
      {
        name: 'lb-config',
        kind: 'log',
        position: first.positions[0],
        lag: 1,
        status: 'running',
        error: undefined,
        parked: 0,
        waiting: 0,
      },
      {
        name: 'registry',
        kind: 'kafka',
        position: '1',
        lag: 2,
        status: 'blocked',
        error: '1 stream(s) blocked, first app-x: invalid event AppScaled: to: negative',
        parked: 1,
        waiting: 1,
      },
      {
        name: 'control-plane.cluster-state',
        kind: 'cache',
        position: '0',
        lag: 1,
        status: 'blocked',
        error: expect.stringMatching(/^1 stream\(s\) left out, first node-n1: invalid event NodeRegistered/),
        parked: 1,
        waiting: 0,
      },
    ]);
  });

  it('says the lag is unknown when Kafka does not answer, and still shows the rest', async () => {
    const down = new KafkaEventBus(['127.0.0.1:1'], 'projections-reader-down');
    try {
      const got = await new ProjectionsReader(db.pool, new PgEventStore(db.pool), down, cluster).projections();
      expect(got.find((p) => p.name === 'registry')).toMatchObject({ lag: undefined, status: 'blocked', parked: 1 });
      expect(got.find((p) => p.name === 'lb-config')).toMatchObject({ lag: 1, status: 'running' });
    } finally {
      await down.disconnect();
    }
  });
});
