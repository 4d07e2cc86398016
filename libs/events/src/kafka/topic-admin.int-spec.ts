import { randomBytes } from 'node:crypto';
import { ConfigResourceTypes } from 'kafkajs';
import { Topics } from '../topics';
import { KafkaEventBus } from './kafka-bus';
import { topicOverrides } from './topic-admin';

const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

describe('ensureTopics (real Kafka): retention at creation and corrected on existing topics', () => {
  const bus = new KafkaEventBus(KAFKA_BROKERS, 'topic-admin-int');
  const topics = new Topics(`ret-${randomBytes(4).toString('hex')}`);

  afterAll(async () => {
    await bus.deleteTopicsOf(topics.prefix);
    await bus.disconnect();
  });

  const overrides = () => bus.withAdmin((admin) => topicOverrides(admin, topics.specs({ partitions: 1 })));

  it('creates event topics kept forever and a heartbeats topic kept minutes', async () => {
    const ensured = await bus.ensureTopics(topics.specs({ partitions: 2, heartbeatRetentionMs: 120_000 }));
    expect(ensured.created.sort()).toEqual([...topics.allEvents(), topics.heartbeats()].sort());
    const got = await overrides();
    for (const topic of topics.allEvents()) {
      expect(got.get(topic)?.get('retention.ms')).toBe('-1');
      expect(got.get(topic)?.get('retention.bytes')).toBe('-1');
    }
    expect(got.get(topics.heartbeats())?.get('retention.ms')).toBe('120000');
    expect(got.get(topics.heartbeats())?.get('segment.ms')).toBe('120000');
  });

  it('corrects a topic created with other settings, keeping its unrelated overrides, and then leaves it alone', async () => {
    await bus.withAdmin((admin) =>
      admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: topics.heartbeats(),
            configEntries: [
              { name: 'retention.ms', value: '-1' },
              { name: 'max.message.bytes', value: '500000' },
            ],
          },
          {
            type: ConfigResourceTypes.TOPIC,
            name: topics.events('app'),
            configEntries: [{ name: 'retention.ms', value: '86400000' }],
          },
        ],
      }),
    );
    const ensured = await bus.ensureTopics(topics.specs({ partitions: 2, heartbeatRetentionMs: 600_000 }));
    expect(ensured).toEqual({ created: [], corrected: [topics.events('app'), topics.heartbeats()] });
    const got = await overrides();
    expect(got.get(topics.heartbeats())?.get('retention.ms')).toBe('600000');
    expect(got.get(topics.heartbeats())?.get('max.message.bytes')).toBe('500000');
    expect(got.get(topics.events('app'))?.get('retention.ms')).toBe('-1');
    expect(got.get(topics.events('app'))?.get('retention.bytes')).toBe('-1');

    expect(await bus.ensureTopics(topics.specs({ partitions: 2, heartbeatRetentionMs: 600_000 }))).toEqual({
      created: [],
      corrected: [],
    });
  });
});
