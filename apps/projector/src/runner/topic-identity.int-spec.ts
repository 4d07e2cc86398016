import { KafkaEventBus, makeEvent, Topics } from '@mammoth/events';
import { LogWatermark, OutboxRelay, PgEventStore } from '@mammoth/event-store';
import {
  createTestBus,
  createTestDatabase,
  dropTestTopics,
  eventually,
  TestDatabase,
} from '@mammoth/event-store/testing/test-infra';
import { registryProjection } from '../registry/registry.projection';
import { append, quietLog } from '../testing/scenario';
import { streamsBehind } from './catch-up';
import { listDeadLetters } from './dead-letters';
import { ProjectionRunner } from './projection-runner';
import { requestRebuild } from './rebuild-cli';
import { RebuildListener } from './rebuild-listener';

jest.setTimeout(180_000);

const deploy = (name: string) =>
  makeEvent('AppDeployed', {
    name,
    instances: 1,
    env: {},
    resources: { cpuMillis: 100, memoryMiB: 64, diskMiB: 0 },
    package: { name: 'web', version: '1', digest: `sha256:${'0'.repeat(64)}`, format: 'image', imageRef: 'w:1' },
  });
const scale = (name: string, from: number, to: number) => makeEvent('AppScaled', { name, from, to });

describe('topic identity (real PostgreSQL and Kafka): a recreated topic is detected, and the store rebuilds what Kafka lost', () => {
  let db: TestDatabase;
  let bus: KafkaEventBus;
  let topics: Topics;
  let store: PgEventStore;
  let relay: OutboxRelay;
  let watermark: LogWatermark;
  let runner: ProjectionRunner;
  let listener: RebuildListener;
  const log = quietLog();
  let t = 0;
  const newRunner = () => new ProjectionRunner(registryProjection, { pool: db.pool, bus, topics, log, watermark });
  const instances = async () =>
    Object.fromEntries(
      (await db.pool.query<{ name: string; instances: number }>('SELECT name, instances FROM rm_apps')).rows.map(
        (r) => [r.name, r.instances],
      ),
    );
  const scaleA = (from: number, to: number) =>
    store.append([{ streamId: 'app-a', expectedVersion: 'any', events: [scale('a', from, to)] }], {
      correlationId: `s${++t}`,
      actor: 'test',
      timestamp: new Date().toISOString(),
    });

  /** recreateAppTopic deletes the app topic and creates it again, empty, as an operator or a broker rebuild might. */
  async function recreateAppTopic(): Promise<void> {
    const app = topics.events('app');
    await bus.withAdmin((admin) => admin.deleteTopics({ topics: [app] }));
    await eventually(
      async () => {
        const ensured = await bus.ensureTopics(topics.specs({ partitions: 3 }).filter((s) => s.topic === app));
        expect(ensured.created).toEqual([app]);
      },
      60_000,
      500,
    );
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ bus, topics } = await createTestBus('projector-topic-identity'));
    store = new PgEventStore(db.pool);
    relay = new OutboxRelay({ connectionString: db.url }, bus, topics, { idlePollMs: 50 });
    relay.start();
    watermark = new LogWatermark(db.pool, { connectionString: db.url }, { pollMs: 50 });
    await watermark.start();
    runner = newRunner();
    listener = new RebuildListener({ connectionString: db.url }, (name, from) => runner.rebuild(from), log, 500);
    await listener.start();
  });

  afterAll(async () => {
    await listener?.stop();
    await runner?.stop();
    await relay?.stop();
    await watermark?.stop();
    if (bus) await dropTestTopics(bus, topics);
    await bus?.disconnect();
    await db?.drop();
  });

  it('reads a topic created again with fewer messages from its start instead of taking them as seen', async () => {
    await runner.start();
    await append(store, 1, { 'app-a': [deploy('a')], 'app-b': [deploy('b')], 'app-c': [deploy('c')] });
    await scaleA(1, 2);
    await eventually(async () => expect(await instances()).toEqual({ a: 2, b: 1, c: 1 }));
    await runner.stop();

    await recreateAppTopic();
    await scaleA(2, 3); // lands on app-a's partition, at offset 0 of the new topic
    runner = newRunner();
    await runner.start();
    await eventually(async () => expect(await instances()).toEqual({ a: 3, b: 1, c: 1 }));
    expect(runner.stats.recreated).toBeGreaterThan(0);
    expect(log.warnings).toContainEqual(expect.stringContaining('the topic was deleted and created again'));
  });

  it('tells a recreated topic that already holds more messages than the stored offset by its anchor message', async () => {
    await runner.stop();
    await recreateAppTopic();
    await scaleA(3, 4);
    await scaleA(4, 5); // app-a's partition now holds two messages, past the one offset stored for it
    await eventually(async () =>
      expect([...(await bus.topicEnds([topics.events('app')])).values()].reduce((a, b) => a + b)).toBe(2n),
    );
    runner = newRunner();
    await runner.start();
    await eventually(async () => expect(await instances()).toEqual({ a: 5, b: 1, c: 1 }));
    expect(runner.stats.recreated).toBeGreaterThan(0);
    expect(await listDeadLetters(db.pool, 'registry')).toEqual([]);
  });

  it('rebuilds from the event store what the recreated topic no longer holds, and Kafka alone could not', async () => {
    // From Kafka only app-a's later scalings remain: its deployment and the other apps are gone, and app-a is parked.
    const topicEnds = () => bus.topicEnds(registryProjection.categories.map((c) => topics.events(c)));
    await expect(
      requestRebuild(registryProjection, {
        pg: { connectionString: db.url },
        print: () => undefined,
        pollMs: 100,
        topicEnds,
      }),
    ).rejects.toThrow(/read all Kafka holds, yet 2 stream\(s\) are behind the event store: .*--from store/);
    expect(await listDeadLetters(db.pool, 'registry')).toContainEqual(
      expect.objectContaining({
        streamId: 'app-a',
        status: 'parked',
        error: expect.stringMatching(/versions 1..3 of app-a never arrived/),
      }),
    );
    expect(await instances()).toEqual({});

    const printed: string[] = [];
    await requestRebuild(registryProjection, {
      pg: { connectionString: db.url },
      from: 'store',
      print: (l) => printed.push(l),
      pollMs: 100,
      topicEnds,
    });
    expect(printed).toContain('done');
    expect(await instances()).toEqual({ a: 5, b: 1, c: 1 });
    expect(await listDeadLetters(db.pool, 'registry')).toEqual([]);
    await scaleA(5, 6);
    await eventually(async () => expect(await instances()).toEqual({ a: 6, b: 1, c: 1 }));
    expect(await streamsBehind(db.pool, registryProjection)).toBe(0);
  });
});
