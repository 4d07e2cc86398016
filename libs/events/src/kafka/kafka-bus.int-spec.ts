import { logLevel, LogEntry } from 'kafkajs';
import { KafkaEventBus } from './kafka-bus';

describe('KafkaEventBus against a broker that is not there (a closed port on 127.0.0.1)', () => {
  const entries: string[] = [];
  const bus = new KafkaEventBus(['127.0.0.1:1'], 'kafka-bus-int-down', {
    logLevel: logLevel.ERROR,
    logCreator: () => (e: LogEntry) => void entries.push(e.log.message),
  });
  afterAll(() => bus.disconnect());

  it('answers ping and topicEnds with one attempt each, instead of retrying the connection in the background', async () => {
    await expect(bus.ping()).rejects.toThrow(/ECONNREFUSED/);
    await expect(bus.topicEnds(['any'])).rejects.toThrow(/ECONNREFUSED/);
    expect(entries.filter((m) => m.startsWith('Failed to connect to seed broker'))).toHaveLength(2);
  });
});
