import { KafkaEventBus, makeEvent, Topics } from '@mammoth/events';
import { createPool, OutboxRelay, PgEventStore } from '@mammoth/event-store';
import {
  createTestBus,
  createTestDatabase,
  dropTestTopics,
  eventually,
  TestDatabase,
} from '@mammoth/event-store/testing/test-infra';
import { registryProjection } from '../registry/registry.projection';
import { TcpProxy } from '../testing/tcp-proxy';
import { append, quietLog, snapshot } from '../testing/scenario';
import { streamsBehind } from './catch-up';
import { ProjectionRunner } from './projection-runner';
import { resetProjection } from './reset';

jest.setTimeout(120_000);

describe('ProjectionRunner faults', () => {
  let db: TestDatabase;
  let bus: KafkaEventBus;
  let topics: Topics;
  let store: PgEventStore;
  let relay: OutboxRelay;
  const log = quietLog();
  const deploy = (name: string) =>
    makeEvent('AppDeployed', {
      name,
      instances: 1,
      env: {},
      resources: { cpuMillis: 100, memoryMiB: 64, diskMiB: 0 },
      package: { name: 'web', version: '1', digest: `sha256:${'0'.repeat(64)}`, format: 'image', imageRef: 'web:1' },
    });
  const apps = async () => (await db.pool.query('SELECT name FROM rm_apps ORDER BY name')).rows.map((r) => r.name);
  const eventCount = async () => Number((await db.pool.query('SELECT count(*) AS n FROM events')).rows[0].n);

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ bus, topics } = await createTestBus('projector-faults'));
    store = new PgEventStore(db.pool);
    relay = new OutboxRelay({ connectionString: db.url }, bus, topics, { idlePollMs: 50 });
    relay.start();
  });

  afterAll(async () => {
    await relay?.stop();
    if (bus) await dropTestTopics(bus, topics);
    await bus?.disconnect();
    await db?.drop();
  });

  it('keeps retrying while PostgreSQL is unreachable, past a consumer-group session, and applies each event once when it returns', async () => {
    const proxy = new TcpProxy('127.0.0.1', Number(new URL(db.url).port || 5432));
    await proxy.open();
    const url = new URL(db.url);
    url.port = String(proxy.port);
    const pool = createPool({ connectionString: url.toString(), max: 4, connectionTimeoutMillis: 2000 });
    const runner = new ProjectionRunner(registryProjection, { pool, bus, topics, log });
    try {
      await runner.start();
      await append(store, 1, { 'app-a1': [deploy('a1')] });
      await eventually(async () => expect(await apps()).toEqual(['a1']));

      await proxy.cut();
      await append(store, 2, { 'app-a2': [deploy('a2')], 'app-a3': [deploy('a3')] });
      await eventually(async () => expect(runner.stats.failedBatches).toBeGreaterThan(0));
      await new Promise((r) => setTimeout(r, 12_000)); // longer than the 10 s session: the group rebalances while PostgreSQL is away
      expect(await apps()).toEqual(['a1']);

      await proxy.open();
      await eventually(async () => expect(await apps()).toEqual(['a1', 'a2', 'a3']), 60_000);
      await eventually(async () => expect(await streamsBehind(db.pool, registryProjection)).toBe(0));
      expect(runner.stats).toMatchObject({ applied: 3, duplicates: 0 });
    } finally {
      await runner.stop();
      await proxy.cut();
      await pool.end();
    }
  });

  it('re-seeks from PostgreSQL when another process rebuilt the projection under a running consumer', async () => {
    const runner = new ProjectionRunner(registryProjection, { pool: db.pool, bus, topics, log });
    try {
      await runner.start();
      await append(store, 3, { 'app-a4': [deploy('a4')] });
      await eventually(async () => expect(await streamsBehind(db.pool, registryProjection)).toBe(0));
      const live = await snapshot(db.pool);
      const applied = runner.stats.applied;

      await resetProjection(db.pool, registryProjection); // as a rebuild in another projector process does, without stopping this one
      await append(store, 4, { 'app-a1': [makeEvent('AppScaled', { name: 'a1', from: 1, to: 0 })] });
      await eventually(async () => expect(await streamsBehind(db.pool, registryProjection)).toBe(0), 60_000);
      expect(runner.stats.applied - applied).toBe(await eventCount());
      const after = await snapshot(db.pool);
      expect(after.rm_apps.map((a) => (a as { instances: number }).instances)).toEqual([0, 1, 1, 1]);
      expect(after.rm_apps.slice(1)).toEqual(live.rm_apps.slice(1));
      expect(log.warnings.some((w) => w.includes('re-seeking'))).toBe(true);
    } finally {
      await runner.stop();
    }
  });
});
