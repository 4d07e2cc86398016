import { randomBytes, randomUUID } from 'node:crypto';
import { BusMessage, KafkaEventBus, makeEvent, RecordedEvent, Subscription, Topics, toWire } from '@mammoth/events';
import { eventually, KAFKA_BROKERS } from '@mammoth/event-store/testing/test-infra';
import { StreamEvent } from '../desired-state';
import { Heartbeater } from './heartbeat';
import { subscribeNodeEvents } from './node-events';

jest.setTimeout(120000);

const recorded = (nodeId: string, streamVersion: number, app = 'web'): RecordedEvent => ({
  streamId: `node-${nodeId}`,
  streamVersion,
  position: String(streamVersion),
  event: makeEvent('InstanceUnassigned', { instanceId: randomUUID(), app, reason: 'test' }),
  metadata: {
    eventId: randomUUID(),
    correlationId: 'c',
    causationId: null,
    actor: 'test',
    timestamp: new Date().toISOString(),
  },
});

describe('node daemon on a real Kafka broker', () => {
  const topics = new Topics(`t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`);
  const bus = new KafkaEventBus(KAFKA_BROKERS, 'node-daemon-int');
  const subs: Subscription[] = [];

  beforeAll(() =>
    bus.ensureTopics(
      topics.specs({ partitions: 3 }).filter((s) => [topics.events('node'), topics.heartbeats()].includes(s.topic)),
    ),
  );
  afterAll(async () => {
    await Promise.all(subs.map((s) => s.stop()));
    await bus.deleteTopicsOf(topics.prefix);
    await bus.disconnect();
  });

  it('publishes heartbeats keyed by node id with an ISO time and a growing seq', async () => {
    const seen: BusMessage[] = [];
    subs.push(
      await bus.subscribe({
        groupId: `hb-${randomUUID()}`,
        topics: [topics.heartbeats()],
        fromBeginning: true,
        commitToKafka: false,
        eachBatch: async (b) => void seen.push(...b.messages),
      }),
    );
    const hb = new Heartbeater({
      bus,
      topic: topics.heartbeats(),
      nodeId: 'hb-node',
      intervalMs: 100,
      log: () => undefined,
    });
    hb.start();
    try {
      await eventually(async () => expect(seen.length).toBeGreaterThanOrEqual(3));
    } finally {
      hb.stop();
    }
    const values = seen.map((m) => JSON.parse(m.value) as { nodeId: string; at: string; seq: number });
    expect(seen.every((m) => m.key === 'hb-node')).toBe(true);
    expect(values.slice(0, 3).map((v) => v.seq)).toEqual([1, 2, 3]);
    expect(values.every((v) => v.nodeId === 'hb-node' && new Date(v.at).toISOString() === v.at)).toBe(true);
  });

  it("hands over only this node's events, with their stream versions, and skips unreadable messages", async () => {
    const got: StreamEvent[] = [];
    const logs: string[] = [];
    subs.push(
      await subscribeNodeEvents(
        bus,
        topics,
        'n1',
        (e) => got.push(e),
        (m) => logs.push(m),
      ),
    );
    // The group starts at the end of the topic once its first fetch resolves offsets: probe until it is reading.
    await eventually(async () => {
      await bus.publish(topics.events('node'), [toWire(recorded('n1', 1, 'probe'))]);
      await new Promise((r) => setTimeout(r, 300));
      expect(got.length).toBeGreaterThan(0);
    });
    got.length = 0;

    await bus.publish(topics.events('node'), [
      toWire(recorded('n2', 2)),
      { key: 'node-n1', value: '{"not":"an event"}', headers: {} },
      toWire(recorded('n1', 2)),
      toWire(recorded('n10', 3)),
      toWire(recorded('n1', 3)),
    ]);
    const real = () =>
      got
        .filter((e) => !(e.event.type === 'InstanceUnassigned' && e.event.data.app === 'probe'))
        .map((e) => e.streamVersion);
    await eventually(async () => expect(real()).toEqual([2, 3]));
    await new Promise((r) => setTimeout(r, 500));
    expect(real()).toEqual([2, 3]);
    expect(got.every((e) => e.event.type === 'InstanceUnassigned')).toBe(true);
    expect(logs).toContainEqual(expect.stringMatching(/^skipping unreadable message at offset \d+/));
  });
});
