import { definitionOf, KafkaEventBus, makeEvent, Topics } from '@mammoth/events';
import { LogWatermark, OutboxRelay, PgEventStore } from '@mammoth/event-store';
import { appendRaw } from '@mammoth/event-store/testing/raw-append';
import {
  createTestBus,
  createTestDatabase,
  dropTestTopics,
  eventually,
  TestDatabase,
} from '@mammoth/event-store/testing/test-infra';
import { lbConfigProjection } from '../lb-config/lb-config.projection';
import { registryProjection } from '../registry/registry.projection';
import { append, quietLog } from '../testing/scenario';
import { listDeadLetters } from './dead-letters';
import { deadLettersCli } from './dead-letters-cli';
import { LogProjectionRunner, storedPosition } from './log-runner';
import { ProjectionRunner } from './projection-runner';
import { retryStream, skipStream } from './redrive';

jest.setTimeout(120_000);

const pkg = {
  name: 'web',
  version: '1',
  digest: `sha256:${'0'.repeat(64)}`,
  format: 'image' as const,
  imageRef: 'w:1',
};
const deploy = (name: string) =>
  makeEvent('AppDeployed', {
    name,
    instances: 1,
    env: {},
    resources: { cpuMillis: 100, memoryMiB: 64, diskMiB: 0 },
    package: pkg,
  });
const scale = (name: string, from: number, to: number) => makeEvent('AppScaled', { name, from, to });

/** upgradedReader is this build's reader taught AppScaled schema version 2 (same data), as a newer release would be. */
async function withUpgradedReader<T>(fn: () => Promise<T>): Promise<T> {
  const def = definitionOf('AppScaled') as { version: number; upcasters: Record<number, (d: unknown) => unknown> };
  const before = { version: def.version, upcasters: def.upcasters };
  Object.assign(def, { version: 2, upcasters: { 1: (d: unknown) => d } });
  try {
    return await fn();
  } finally {
    Object.assign(def, before);
  }
}

describe('poison events (real PostgreSQL and Kafka): parked with their stream, never skipped silently', () => {
  let db: TestDatabase;
  let bus: KafkaEventBus;
  let topics: Topics;
  let store: PgEventStore;
  let relay: OutboxRelay;
  let watermark: LogWatermark;
  const log = quietLog();
  const instances = async () =>
    Object.fromEntries(
      (await db.pool.query<{ name: string; instances: number }>('SELECT name, instances FROM rm_apps')).rows.map(
        (r) => [r.name, r.instances],
      ),
    );
  const letters = async (projection: string) =>
    (await listDeadLetters(db.pool, projection)).map((l) => ({
      stream: l.streamId,
      version: l.streamVersion,
      status: l.status,
      error: l.error,
    }));

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ bus, topics } = await createTestBus('projector-poison'));
    store = new PgEventStore(db.pool);
    relay = new OutboxRelay({ connectionString: db.url }, bus, topics, { idlePollMs: 50 });
    relay.start();
    watermark = new LogWatermark(db.pool, { connectionString: db.url }, { pollMs: 50 });
    await watermark.start();
  });

  afterAll(async () => {
    await relay?.stop();
    await watermark?.stop();
    if (bus) await dropTestTopics(bus, topics);
    await bus?.disconnect();
    await db?.drop();
  });

  it('parks an invalid and a too-new event, holds back only their streams, and lets an operator retry or skip them', async () => {
    let runner = new ProjectionRunner(registryProjection, { pool: db.pool, bus, topics, log, watermark });
    try {
      await runner.start();
      await append(store, 1, { 'app-a': [deploy('a')], 'app-b': [deploy('b')] });
      await appendRaw(db.pool, { streamId: 'app-a', type: 'AppScaled', schemaVersion: 1, data: { name: 'a', to: -3 } });
      await appendRaw(db.pool, {
        streamId: 'app-b',
        type: 'AppScaled',
        schemaVersion: 2,
        data: { name: 'b', from: 1, to: 4 },
      });
      await store.append([{ streamId: 'app-a', expectedVersion: 2, events: [scale('a', 1, 5)] }], {
        correlationId: 'c3',
        actor: 'test',
        timestamp: new Date().toISOString(),
      });
      await append(store, 4, { 'app-c': [deploy('c')] });

      await eventually(async () => expect(await instances()).toEqual({ a: 1, b: 1, c: 1 }));
      await eventually(async () => expect(runner.stats).toMatchObject({ parked: 2, waiting: 1 }));
      expect(await letters('registry')).toEqual([
        {
          stream: 'app-a',
          version: 2,
          status: 'parked',
          error: expect.stringMatching(/invalid event AppScaled: from/),
        },
        {
          stream: 'app-b',
          version: 2,
          status: 'parked',
          error: 'invalid event AppScaled: schema version 2 is newer than 1',
        },
        { stream: 'app-a', version: 3, status: 'waiting', error: 'waits behind a parked event' },
      ]);
      expect(log.errors.filter((e) => e.includes('parked'))).toEqual([
        expect.stringContaining('stream app-a'),
        expect.stringContaining('stream app-b'),
      ]);

      // A retry with this build's reader changes nothing; the later event of app-b still flows past nothing.
      expect(await retryStream(db.pool, registryProjection, 'app-b')).toMatchObject({ applied: 0 });
      await append(store, 5, { 'app-b': [scale('b', 4, 6)] });
      await eventually(async () => expect(runner.stats.waiting).toBe(2));
      expect(await instances()).toMatchObject({ b: 1 });

      // A newer build reads schema 2: its projector, on start, applies app-b's parked event and the one behind it.
      await runner.stop();
      await withUpgradedReader(async () => {
        runner = new ProjectionRunner(registryProjection, { pool: db.pool, bus, topics, log, watermark });
        await runner.start();
        await eventually(async () => expect(await instances()).toMatchObject({ b: 6 }));
      });

      // app-a's event is invalid for every reader: the operator skips it and the event behind it applies.
      expect(await skipStream(db.pool, registryProjection, 'app-a')).toEqual({
        streamId: 'app-a',
        applied: 1,
        dropped: 0,
        stillParked: null,
      });
      expect(await instances()).toEqual({ a: 5, b: 6, c: 1 });
      await append(store, 6, { 'app-a': [scale('a', 5, 2)] });
      await eventually(async () => expect(await instances()).toEqual({ a: 2, b: 6, c: 1 }));
      expect(await letters('registry')).toEqual([
        { stream: 'app-a', version: 2, status: 'skipped', error: expect.stringMatching(/invalid event/) },
      ]);
    } finally {
      await runner.stop();
    }
  });

  it('stops a log projection just before an event it cannot read, and goes on once the event is skipped', async () => {
    const runner = new LogProjectionRunner(lbConfigProjection, { pool: db.pool, watermark, log });
    const cli = (...args: string[]) =>
      deadLettersCli(args, {
        pool: db.pool,
        projections: [registryProjection],
        logProjections: [lbConfigProjection],
        print: () => undefined,
      });
    try {
      await runner.start();
      await append(store, 10, { 'app-l1': [deploy('l1')] });
      const bad = await appendRaw(db.pool, { streamId: 'app-l1', type: 'AppRemoved', schemaVersion: 1, data: {} });
      await append(store, 11, { 'app-l2': [deploy('l2')] });
      await eventually(async () => expect(await storedPosition(db.pool, 'lb-config')).toBe(BigInt(bad) - 1n));
      await eventually(async () => expect(runner.stats.halts).toBe(1));
      const lbApps = async () =>
        (await db.pool.query('SELECT name FROM rm_lb_apps ORDER BY name')).rows.map((r) => r.name);
      expect(await lbApps()).toEqual(['a', 'b', 'c', 'l1']);
      expect(await letters('lb-config')).toEqual([
        { stream: 'app-l1', version: 2, status: 'parked', error: expect.stringContaining(`at position ${bad}`) },
      ]);

      await cli('retry', 'lb-config'); // the same reader: it stops there again
      await eventually(async () => expect((await letters('lb-config'))[0]?.status).toBe('parked'));
      expect(await storedPosition(db.pool, 'lb-config')).toBe(BigInt(bad) - 1n);

      await cli('skip', 'lb-config');
      await eventually(async () => expect(await lbApps()).toEqual(['a', 'b', 'c', 'l1', 'l2']));
      expect(log.errors.filter((e) => e.includes('lb-config: stopped'))).toHaveLength(1); // it never went on in between
    } finally {
      await runner.stop();
    }
  });
});
