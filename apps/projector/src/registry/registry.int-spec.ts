import { Pool } from 'pg';
import { BusBatch, KafkaEventBus, makeEvent, Topics } from '@mammoth/events';
import { OutboxRelay, PgEventStore } from '@mammoth/event-store';
import {
  createTestBus,
  createTestDatabase,
  dropTestTopics,
  eventually,
  TestDatabase,
} from '@mammoth/event-store/testing/test-infra';
import { HeartbeatConsumer } from '../heartbeats/heartbeat-consumer';
import { applyBatch } from '../runner/apply-batch';
import { streamsBehind } from '../runner/catch-up';
import { ProjectionRunner } from '../runner/projection-runner';
import { requestRebuild } from '../runner/rebuild-cli';
import { RebuildListener } from '../runner/rebuild-listener';
import { at } from '@mammoth/read-models/testing/recorded';
import { append, I1, I2, quietLog, snapshot, writeScenario } from '../testing/scenario';
import { registryProjection } from './registry.projection';

jest.setTimeout(120_000);

describe('registry projection against PostgreSQL and Kafka', () => {
  let db: TestDatabase;
  let bus: KafkaEventBus;
  let topics: Topics;
  let store: PgEventStore;
  let relay: OutboxRelay;
  let runner: ProjectionRunner;
  let listener: RebuildListener;
  const log = quietLog();
  const newRunner = () => new ProjectionRunner(registryProjection, { pool: db.pool, bus, topics, log });
  const caughtUp = async () => expect(await streamsBehind(db.pool, registryProjection)).toBe(0);
  const eventCount = async () => Number((await db.pool.query('SELECT count(*) AS n FROM events')).rows[0].n);

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ bus, topics } = await createTestBus('projector-registry'));
    store = new PgEventStore(db.pool);
    relay = new OutboxRelay({ connectionString: db.url }, bus, topics, { idlePollMs: 50 });
    relay.start();
    runner = newRunner();
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

  it('fills the registry from events that travel the relay and Kafka, parking invalid messages with their stream', async () => {
    await bus.publish(topics.events('app'), [
      { key: 'app-junk', value: 'not json', headers: {} },
      {
        key: 'app-junk',
        value: JSON.stringify({
          type: 'NoSuchEvent',
          version: 1,
          data: {},
          streamId: 'app-junk',
          streamVersion: 99,
          position: '1',
        }),
        headers: {},
      },
    ]);
    await writeScenario(store);
    await eventually(caughtUp);
    expect(runner.stats).toMatchObject({ parked: 1, waiting: 1 });
    expect(runner.stats.applied).toBe(await eventCount());

    const rows = await snapshot(db.pool);
    expect(rows.rm_packages).toEqual([
      expect.objectContaining({
        name: 'web',
        version: '1.0.0',
        size_bytes: '1000',
        image_ref: 'web:1.0.0',
        uploaded_at: new Date(at(1)),
      }),
      expect.objectContaining({ name: 'web', version: '1.1.0', size_bytes: '2000', uploaded_at: new Date(at(2)) }),
    ]);
    expect(rows.rm_nodes).toEqual([
      expect.objectContaining({
        node_id: 'n1',
        hostname: 'n1-new',
        status: 'ready',
        labels: { zone: 'a' },
        registered_at: new Date(at(3)),
        updated_at: new Date(at(10)),
      }),
      expect.objectContaining({ node_id: 'n2', hostname: 'n2', cpu_millis: 4000, port_from: 20000, port_to: 20100 }),
    ]);
    expect(rows.rm_apps).toEqual([
      expect.objectContaining({
        name: 'old',
        status: 'removed',
        created_at: new Date(at(13)),
        updated_at: new Date(at(14)),
      }),
      expect.objectContaining({
        name: 'web',
        status: 'deployed',
        package_version: '1.1.0',
        image_ref: 'web:1.1.0',
        incarnation: 1,
        instances: 1,
        pending_count: 0,
        pending_reasons: [],
        created_at: new Date(at(5)),
        updated_at: new Date(at(11)),
      }),
    ]);
    expect(rows.rm_instances).toEqual([
      {
        instance_id: I1,
        app: 'web',
        node_id: 'n1',
        host: '127.0.0.1',
        port: 20001,
        desired: 'run',
        state: 'running',
        container_id: 'c1',
        exit_code: null,
        message: null,
        placed_at: new Date(at(7)),
        placed_version: 2,
        updated_at: new Date(at(8)),
        health_check: null,
        health: 'healthy',
        health_message: null,
        health_at: null,
        restarts: 0,
        last_exit_code: null,
        next_attempt_at: null,
      },
      {
        instance_id: I2,
        app: 'web',
        node_id: 'n1',
        host: '127.0.0.1',
        port: 20002,
        desired: 'stop',
        state: 'stopped',
        container_id: 'c2',
        exit_code: 1,
        message: null,
        placed_at: new Date(at(7)),
        placed_version: 3,
        updated_at: new Date(at(12)),
        health_check: null,
        health: 'unknown',
        health_message: null,
        health_at: null,
        restarts: 0,
        last_exit_code: 1,
        next_attempt_at: null,
      },
    ]);
  });

  it('drops events the relay publishes twice', async () => {
    const before = await snapshot(db.pool);
    const duplicates = runner.stats.duplicates;
    await db.pool.query('INSERT INTO outbox (position) SELECT position FROM events');
    const total = await eventCount();
    await eventually(async () => expect(runner.stats.duplicates - duplicates).toBe(total));
    expect(await snapshot(db.pool)).toEqual(before);
  });

  it('resumes where PostgreSQL says after a restart with a new runner, and ignores a redelivery from offset zero', async () => {
    await runner.stop();
    const before = await snapshot(db.pool);
    runner = newRunner();
    await runner.start();
    await append(store, 20, { 'app-web': [makeEvent('AppScaled', { name: 'web', from: 1, to: 2 })] });
    await eventually(async () => expect(runner.stats.applied).toBe(1));
    await eventually(caughtUp);
    expect(runner.stats).toMatchObject({ applied: 1, duplicates: 0, parked: 0 });
    const after = await snapshot(db.pool);
    const web = { ...(before.rm_apps[1] as object), instances: 2, updated_at: new Date(at(20)) };
    expect(after.rm_apps).toEqual([before.rm_apps[0], web]);
    expect({ ...after, rm_apps: [] }).toEqual({ ...before, rm_apps: [] });

    // Re-deliver every message ever published, from offset zero, as a consumer with no Kafka state would.
    const batches = await readEverything();
    const redelivered = batches.reduce((n, b) => n + b.messages.length, 0);
    let seen = 0;
    for (const b of batches) {
      const outcome = await applyBatch(db.pool, registryProjection, b);
      expect(outcome).toMatchObject({ applied: 0, duplicates: 0, gap: false });
      seen += outcome.alreadySeen;
    }
    expect(seen).toBe(redelivered);
    expect(redelivered).toBeGreaterThan(await eventCount());
    expect(await snapshot(db.pool)).toEqual(after);
  });

  it('rebuilds from offset zero on NOTIFY while running, ending with the same tables', async () => {
    const live = await snapshot(db.pool);
    const applied = runner.stats.applied;
    const printed: string[] = [];
    await requestRebuild(registryProjection, {
      pg: { connectionString: db.url },
      print: (l) => printed.push(l),
      pollMs: 100,
    });
    expect(printed[printed.length - 1]).toBe('done');
    expect(runner.stats.rebuilds).toBe(1);
    expect(runner.stats.applied - applied).toBe(await eventCount());
    expect(await snapshot(db.pool)).toEqual(live);
  });

  it('keeps the newest heartbeat per node', async () => {
    const heartbeats = new HeartbeatConsumer({ pool: db.pool, bus, topics, log });
    await heartbeats.start();
    try {
      const beat = (nodeId: string, t: number) => ({
        key: 'n1',
        value: JSON.stringify({ nodeId, at: at(t), seq: t }),
        headers: {},
      });
      const lastBeat = async (nodeId: string) =>
        (await db.pool.query('SELECT last_heartbeat_at FROM rm_node_heartbeats WHERE node_id = $1', [nodeId])).rows[0]
          ?.last_heartbeat_at;
      // The consumer starts at the end of the topic: publish until it is reading.
      await eventually(
        async () => {
          await bus.publish(topics.heartbeats(), [beat('n1', 100), beat('n1', 90)]);
          expect(await lastBeat('n1')).toEqual(new Date(at(100)));
        },
        60_000,
        1000,
      );
      // Same key, so the same partition: once the marker is stored, the older beat before it has been read too.
      await bus.publish(topics.heartbeats(), [beat('n1', 50), beat('marker', 1)]);
      await eventually(async () => expect(await lastBeat('marker')).toEqual(new Date(at(1))));
      expect(await lastBeat('n1')).toEqual(new Date(at(100)));
    } finally {
      await heartbeats.stop();
    }
  });

  async function readEverything(): Promise<BusBatch[]> {
    const batches: BusBatch[] = [];
    const ends = await endOffsets(db.pool);
    const sub = await bus.subscribe({
      groupId: `${topics.prefix}.test-replay`,
      topics: registryProjection.categories.map((c) => topics.events(c)),
      fromBeginning: true,
      commitToKafka: false,
      eachBatch: async (b) => void batches.push(b),
    });
    try {
      await eventually(async () => {
        for (const [tp, end] of ends) {
          const got = batches.filter((b) => `${b.topic}/${b.partition}` === tp).flatMap((b) => b.messages);
          expect(got.length ? BigInt(got[got.length - 1].offset) + 1n : 0n).toBe(end);
        }
      });
    } finally {
      await sub.stop();
    }
    return batches;
  }
});

/** endOffsets are the projection's stored next offsets, which equal the ends of the partitions once it has caught up. */
async function endOffsets(pool: Pool): Promise<Map<string, bigint>> {
  const r = await pool.query(
    `SELECT topic, partition, next_offset FROM projection_offsets WHERE projection = 'registry'`,
  );
  return new Map(r.rows.map((x) => [`${x.topic}/${x.partition}`, BigInt(x.next_offset)]));
}
