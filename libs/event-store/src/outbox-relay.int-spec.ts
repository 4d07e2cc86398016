import { randomUUID } from 'node:crypto';
import seedrandom from 'seedrandom';
import { DomainEvent, fromWire, KafkaEventBus, makeEvent, Subscription, Topics } from '@mammoth/events';
import { WrongExpectedVersionError } from './errors';
import { AppendContext, PgEventStore, StreamWrite } from './event-store';
import { OutboxRelay } from './outbox-relay';
import {
  createTestBus,
  createTestDatabase,
  dropTestTopics,
  eventually,
  TestDatabase,
  uniqueName,
} from './testing/test-infra';

jest.setTimeout(90_000);

const PKG_DIGEST = `sha256:${'c'.repeat(64)}`;
const ctx = (): AppendContext => ({
  correlationId: randomUUID(),
  actor: 'relay-test',
  timestamp: new Date().toISOString(),
});

/** eventFor builds a valid catalogued event that suits the stream's category. */
function eventFor(streamId: string, n: number): DomainEvent {
  const category = streamId.slice(0, streamId.indexOf('-'));
  switch (category) {
    case 'app':
      return makeEvent('AppScaled', { name: streamId, from: n, to: n + 1 });
    case 'node':
      return makeEvent('InstanceUnassigned', { instanceId: randomUUID(), app: 'a', reason: `r${n}` });
    case 'instance':
      return makeEvent('InstanceStopped', { instanceId: randomUUID(), app: 'a', nodeId: `n${n}` });
    default:
      return makeEvent('PackageUploaded', {
        name: 'p',
        version: `1.${n}`,
        digest: PKG_DIGEST,
        format: 'image',
        sizeBytes: 1,
        imageRef: 'p:1',
      });
  }
}

interface Received {
  key: string | null;
  eventId: string;
  streamId: string;
  streamVersion: number;
}

describe('OutboxRelay (real PostgreSQL and Kafka)', () => {
  let db: TestDatabase;
  let store: PgEventStore;
  let bus: KafkaEventBus;
  let topics: Topics;
  let sub: Subscription;
  const received: Received[] = [];
  const relays: OutboxRelay[] = [];
  const buses: KafkaEventBus[] = [];
  const afterCleanup: (() => void)[] = [];

  const outboxSize = async () =>
    Number((await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox')).rows[0].n);
  const committedIds = async (where = 'true', params: unknown[] = []) =>
    (await db.pool.query<{ id: string }>(`SELECT event_id::text AS id FROM events WHERE ${where}`, params)).rows.map(
      (r) => r.id,
    );
  const newRelay = (b: KafkaEventBus, opts: ConstructorParameters<typeof OutboxRelay>[3] = {}) => {
    const r = new OutboxRelay({ connectionString: db.url }, b, topics, { idlePollMs: 50, batchSize: 100, ...opts });
    relays.push(r);
    return r;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PgEventStore(db.pool);
    ({ bus, topics } = await createTestBus('relay-int'));
    sub = await bus.subscribe({
      groupId: uniqueName('relay-int-'),
      topics: topics.allEvents(),
      fromBeginning: true,
      commitToKafka: false,
      eachBatch: async (batch) => {
        for (const m of batch.messages) {
          const e = fromWire(m.value);
          received.push({
            key: m.key,
            eventId: e.metadata.eventId,
            streamId: e.streamId,
            streamVersion: e.streamVersion,
          });
        }
      },
    });
  });

  afterAll(async () => {
    for (const f of afterCleanup) f();
    for (const r of relays) await r.stop().catch(() => undefined);
    await sub?.stop().catch(() => undefined);
    if (bus) await dropTestTopics(bus, topics);
    for (const b of [bus, ...buses]) await b?.disconnect().catch(() => undefined);
    await db?.drop();
  });

  it('delivers every event committed by many concurrent writers, in order per stream, and empties the outbox', async () => {
    const relay = newRelay(bus);
    relay.start();

    const streams = Array.from({ length: 100 }, (_, i) => `${['app', 'node', 'instance', 'package'][i % 4]}-s${i}`);
    const writers = 20;
    const appends = 50;
    let multi = 0;
    let optimistic = 0;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        const rng = seedrandom(`writer-${w}`);
        const pick = () => streams[Math.floor(rng() * streams.length)];
        for (let j = 0; j < appends; j++) {
          const targets = [...new Set(rng() < 0.3 ? [pick(), pick(), pick()] : [pick()])];
          if (targets.length > 1) multi++;
          if (rng() < 0.5) {
            await store.append(
              targets.map((s): StreamWrite => ({
                streamId: s,
                expectedVersion: 'any',
                events: [eventFor(s, j), eventFor(s, j + 1)],
              })),
              ctx(),
            );
            continue;
          }
          optimistic++;
          for (;;) {
            const current = await store.readStreams(targets);
            try {
              await store.append(
                targets.map((s) => ({
                  streamId: s,
                  expectedVersion: current.get(s)!.version,
                  events: [eventFor(s, j)],
                })),
                ctx(),
              );
              break;
            } catch (err) {
              if (!(err instanceof WrongExpectedVersionError)) throw err;
            }
          }
        }
      }),
    );
    expect(multi).toBeGreaterThan(50);
    expect(optimistic).toBeGreaterThan(100);

    const committed = await committedIds();
    expect(committed.length).toBeGreaterThan(writers * appends);

    await eventually(
      async () => {
        const got = new Set(received.map((r) => r.eventId));
        const missing = committed.filter((id) => !got.has(id));
        expect(missing).toEqual([]);
        expect(await outboxSize()).toBe(0);
      },
      45_000,
      200,
    );

    // Messages are keyed by stream id, so a stream stays on one partition.
    expect(received.filter((r) => r.key !== r.streamId)).toEqual([]);
    // Per stream, after dropping redeliveries, versions arrive strictly increasing, with none missing.
    const seen = new Set<string>();
    const byStream = new Map<string, number[]>();
    for (const r of received) {
      if (seen.has(r.eventId)) continue;
      seen.add(r.eventId);
      byStream.set(r.streamId, [...(byStream.get(r.streamId) ?? []), r.streamVersion]);
    }
    const versions = await db.pool.query<{ stream_id: string; version: number }>(
      'SELECT stream_id, version FROM streams',
    );
    expect(byStream.size).toBe(versions.rows.length);
    for (const { stream_id, version } of versions.rows) {
      expect({ stream_id, versions: byStream.get(stream_id) }).toEqual({
        stream_id,
        versions: Array.from({ length: version }, (_, i) => i + 1),
      });
    }
    expect(relay.published).toBeGreaterThanOrEqual(committed.length);
    await relay.stop();
  });

  it('keeps events in the outbox while Kafka is unreachable and delivers them once it is back', async () => {
    // kafkajs logs every refused connection; they are the expected symptom here, not news.
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    afterCleanup.push(() => quiet.mockRestore());
    const down = new KafkaEventBus(['127.0.0.1:1'], 'relay-int-down');
    buses.push(down);
    const downRelay = newRelay(down, { maxBackoffMs: 200 });
    downRelay.start();

    const streams = ['app-down-1', 'node-down-2', 'instance-down-3', 'package-down-4'];
    const { positions } = await store.append(
      streams.map((s, i) => ({ streamId: s, expectedVersion: 0, events: [eventFor(s, i), eventFor(s, i + 1)] })),
      ctx(),
    );
    for (let i = 0; i < 5; i++)
      await store.append(
        [{ streamId: streams[i % 4], expectedVersion: 'any', events: [eventFor(streams[i % 4], i)] }],
        ctx(),
      );
    const ids = await committedIds(`stream_id LIKE '%-down-%'`);
    expect(ids).toHaveLength(13);
    expect(positions).toHaveLength(8);

    await new Promise((r) => setTimeout(r, 1500));
    expect(await outboxSize()).toBe(13);
    expect(downRelay.published).toBe(0);
    const got = new Set(received.map((r) => r.eventId));
    expect(ids.filter((id) => got.has(id))).toEqual([]);

    await downRelay.stop(); // waits for the producer's connection retries to give up
    quiet.mockRestore();
    expect(await outboxSize()).toBe(13);

    const relay = newRelay(bus);
    relay.start();
    await eventually(
      async () => {
        const now = new Set(received.map((r) => r.eventId));
        expect(ids.filter((id) => !now.has(id))).toEqual([]);
        expect(await outboxSize()).toBe(0);
      },
      30_000,
      200,
    );
    const firsts = received.filter(
      (r, i) => r.streamId === 'app-down-1' && received.findIndex((x) => x.eventId === r.eventId) === i,
    );
    expect(firsts.map((r) => r.streamVersion)).toEqual([1, 2, 3, 4]);
    await relay.stop();
  });
});
