import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { KafkaEventBus, Topics } from '@mammoth/events';
import { runMigrations } from '../../../../migrations/data-source';
import { createPool } from '../pg';

/** PG_ADMIN_URL is the real PostgreSQL that integration tests use (started by scripts/infra). */
export const PG_ADMIN_URL = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** KAFKA_BROKERS is the real Kafka broker that integration tests use (started by scripts/infra/kafka.sh). */
export const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

/** TestDatabase is a fresh, migrated database that belongs to one test suite. */
export interface TestDatabase {
  url: string;
  pool: Pool;
  drop(): Promise<void>;
}

/** uniqueName makes a short name no other suite or run uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** createTestDatabase creates and migrates a database of its own for one suite. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = uniqueName('mammoth_t_');
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  await runMigrations({ url: url.toString() });
  const pool = createPool({ connectionString: url.toString(), max: 20 });
  return {
    url: url.toString(),
    pool,
    drop: async () => {
      await pool.end();
      const admin = new Client({ connectionString: PG_ADMIN_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** createTestBus returns a real Kafka bus and a topic namespace no other suite uses, its topics created and led. */
export async function createTestBus(clientId = 'test'): Promise<{ bus: KafkaEventBus; topics: Topics }> {
  const topics = new Topics(uniqueName('t'));
  const bus = new KafkaEventBus(KAFKA_BROKERS, clientId);
  await bus.ensureTopics(topics.specs({ partitions: 3 }));
  // A new topic answers offset requests only once each partition has a leader; tests that read offsets need that.
  await eventually(() => bus.topicEnds(topics.allEvents()));
  return { bus, topics };
}

/** dropTestTopics deletes a test's topics once it is done (the broker outlives the tests; its database is dropped too). */
export async function dropTestTopics(bus: KafkaEventBus, topics: Topics): Promise<void> {
  await bus
    .deleteTopicsOf(topics.prefix)
    .catch((err: Error) => console.warn(`could not delete the topics of ${topics.prefix}: ${err.message}`));
}

/** eventually polls an assertion until it passes or the deadline is reached. */
export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 30000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    try {
      return await fn();
    } catch (err) {
      lastErr = err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
  throw lastErr;
}
