import { DEFAULT_DATABASE_URL } from '@mammoth/platform';
import { loadConfig } from './config';

describe('the projector config', () => {
  it('defaults to the local database with 10 connections, the local Kafka and health on 127.0.0.1:8081', () => {
    expect(loadConfig({})).toEqual({
      database: { url: DEFAULT_DATABASE_URL, poolMax: 10, connectTimeoutMs: 5000, statementTimeoutMs: 30000 },
      kafka: { brokers: ['127.0.0.1:9092'], logLevel: 'error' },
      topics: {
        prefix: 'mammoth',
        partitions: 3,
        replication: { replicationFactor: 1 },
        heartbeatRetentionMs: 600_000,
      },
      logging: { level: 'info' },
      health: { host: '127.0.0.1', port: 8081 },
      controlPlane: { urls: ['http://127.0.0.1:8080'] },
    });
  });

  it.each([
    [{ DATABASE_URL: 'http://db/mammoth' }, /DATABASE_URL: must be a postgres/],
    [{ HEALTH_PORT: 'abc' }, /HEALTH_PORT/],
    [{ EVENT_TOPIC_PARTITIONS: 'three' }, /EVENT_TOPIC_PARTITIONS/],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
