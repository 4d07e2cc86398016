import { databaseConfig, DEFAULT_DATABASE_URL } from './database.config';
import { parseConfig } from './env';
import { healthConfig } from './health.config';
import { kafkaConfig } from './kafka.config';
import { loggingConfig } from './logging.config';
import { topicsConfig } from './topics.config';

describe('databaseConfig', () => {
  it('defaults to the local mammoth database, the process pool size, a 5 s connect and 30 s statement timeout', () => {
    expect(parseConfig(databaseConfig(10), {})).toEqual({
      url: DEFAULT_DATABASE_URL,
      poolMax: 10,
      connectTimeoutMs: 5000,
      statementTimeoutMs: 30000,
    });
    expect(
      parseConfig(databaseConfig(10), {
        DATABASE_URL: 'postgresql://u@db:5433/x',
        PG_POOL_MAX: '3',
        PG_CONNECT_TIMEOUT_MS: '100',
        PG_STATEMENT_TIMEOUT_MS: '0',
      }),
    ).toEqual({ url: 'postgresql://u@db:5433/x', poolMax: 3, connectTimeoutMs: 100, statementTimeoutMs: 0 });
  });

  it.each([
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL: not a URL/],
    [{ DATABASE_URL: 'mysql://u@h/db' }, /DATABASE_URL: must be a postgres/],
    [{ DATABASE_URL: 'postgres://u@h:5432' }, /DATABASE_URL: must name a database/],
    [{ PG_POOL_MAX: '0' }, /PG_POOL_MAX/],
    [{ PG_STATEMENT_TIMEOUT_MS: '-5' }, /PG_STATEMENT_TIMEOUT_MS/],
    [{ PG_CONNECT_TIMEOUT_MS: '1.5' }, /PG_CONNECT_TIMEOUT_MS/],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => parseConfig(databaseConfig(10), env)).toThrow(message);
  });
});

describe('kafkaConfig', () => {
  it('defaults to the local broker and kafkajs errors only, and splits a list', () => {
    expect(parseConfig(kafkaConfig, {})).toEqual({ brokers: ['127.0.0.1:9092'], logLevel: 'error' });
    expect(parseConfig(kafkaConfig, { KAFKA_BROKERS: 'a:1, b:2', KAFKA_LOG_LEVEL: 'warn' })).toEqual({
      brokers: ['a:1', 'b:2'],
      logLevel: 'warn',
    });
  });

  it.each([
    [{ KAFKA_BROKERS: 'kafka' }, /KAFKA_BROKERS: must be host:port/],
    [{ KAFKA_BROKERS: 'a:1,,b:2' }, /KAFKA_BROKERS/],
    [{ KAFKA_LOG_LEVEL: 'chatty' }, /KAFKA_LOG_LEVEL/],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => parseConfig(kafkaConfig, env)).toThrow(message);
  });
});

describe('topicsConfig', () => {
  it('defaults to the mammoth prefix, 3 partitions, one replica (min.insync.replicas left to the broker), heartbeats kept 10 minutes', () => {
    expect(parseConfig(topicsConfig, {})).toEqual({
      prefix: 'mammoth',
      partitions: 3,
      replication: { replicationFactor: 1 },
      heartbeatRetentionMs: 600_000,
    });
    expect(parseConfig(topicsConfig, { HEARTBEAT_RETENTION_MS: '60000' })).toMatchObject({
      heartbeatRetentionMs: 60_000,
    });
  });

  it('reads a replicated cluster: replication factor 3, min.insync.replicas 2', () => {
    expect(
      parseConfig(topicsConfig, { KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' }).replication,
    ).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
  });

  it.each([
    [{ KAFKA_REPLICATION_FACTOR: 'three' }, /KAFKA_REPLICATION_FACTOR/],
    [{ KAFKA_REPLICATION_FACTOR: '0' }, /KAFKA_REPLICATION_FACTOR/],
    [{ KAFKA_MIN_INSYNC_REPLICAS: '1.5' }, /KAFKA_MIN_INSYNC_REPLICAS/],
    [{ HEARTBEAT_RETENTION_MS: '5' }, /HEARTBEAT_RETENTION_MS/],
    [
      { KAFKA_REPLICATION_FACTOR: '2', KAFKA_MIN_INSYNC_REPLICAS: '3' },
      /KAFKA_MIN_INSYNC_REPLICAS: must not be more than KAFKA_REPLICATION_FACTOR/,
    ],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => parseConfig(topicsConfig, env)).toThrow(message);
  });

  it('rejects a prefix Kafka cannot name a topic with, and no partitions', () => {
    expect(() => parseConfig(topicsConfig, { MAMMOTH_TOPIC_PREFIX: 'a b' })).toThrow(/MAMMOTH_TOPIC_PREFIX/);
    expect(() => parseConfig(topicsConfig, { EVENT_TOPIC_PARTITIONS: '0' })).toThrow(/EVENT_TOPIC_PARTITIONS/);
  });
});

describe('loggingConfig', () => {
  it('defaults to info and takes any pino level', () => {
    expect(parseConfig(loggingConfig, {})).toEqual({ level: 'info' });
    expect(parseConfig(loggingConfig, { LOG_LEVEL: 'debug' })).toEqual({ level: 'debug' });
    expect(() => parseConfig(loggingConfig, { LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });
});

describe('healthConfig', () => {
  it("defaults to loopback on the process's own port; 0 picks a free one", () => {
    expect(parseConfig(healthConfig(8081), {})).toEqual({ host: '127.0.0.1', port: 8081 });
    expect(parseConfig(healthConfig(8081), { HEALTH_PORT: '0' })).toEqual({ host: '127.0.0.1', port: 0 });
  });

  it.each([
    [{ HEALTH_PORT: 'abc' }, /HEALTH_PORT: Expected number/],
    [{ HEALTH_PORT: '70000' }, /HEALTH_PORT/],
    [{ HEALTH_HOST: 'localhost' }, /HEALTH_HOST: must be an IP address/],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => parseConfig(healthConfig(8081), env)).toThrow(message);
  });
});
