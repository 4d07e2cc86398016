import { z } from 'zod';
import { int } from './env';

/**
 * TopicsConfig names a Mammoth installation's Kafka topics, how many partitions and replicas (with, when set, how many
 * must be in sync for a write) a topic gets when created, and how long the broker keeps heartbeats (events: forever).
 */
export interface TopicsConfig {
  readonly prefix: string;
  readonly partitions: number;
  readonly replication: { readonly replicationFactor: number; readonly minInsyncReplicas?: number };
  readonly heartbeatRetentionMs: number;
}

/**
 * topicsConfig is the schema of the topic settings: MAMMOTH_TOPIC_PREFIX (mammoth), EVENT_TOPIC_PARTITIONS (3),
 * KAFKA_REPLICATION_FACTOR (1), KAFKA_MIN_INSYNC_REPLICAS (the broker's), at most the replication factor, and
 * HEARTBEAT_RETENTION_MS (10 min).
 */
export const topicsConfig = z
  .object({
    MAMMOTH_TOPIC_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits, . _ - (a Kafka topic name part)')
      .default('mammoth'),
    EVENT_TOPIC_PARTITIONS: int(1).default(3),
    KAFKA_REPLICATION_FACTOR: int(1).default(1),
    KAFKA_MIN_INSYNC_REPLICAS: int(1).optional(),
    HEARTBEAT_RETENTION_MS: int(1000).default(10 * 60_000),
  })
  .refine((e) => (e.KAFKA_MIN_INSYNC_REPLICAS ?? 0) <= e.KAFKA_REPLICATION_FACTOR, {
    message: 'must not be more than KAFKA_REPLICATION_FACTOR',
    path: ['KAFKA_MIN_INSYNC_REPLICAS'],
  })
  .transform((e): TopicsConfig => ({
    prefix: e.MAMMOTH_TOPIC_PREFIX,
    partitions: e.EVENT_TOPIC_PARTITIONS,
    replication:
      e.KAFKA_MIN_INSYNC_REPLICAS === undefined
        ? { replicationFactor: e.KAFKA_REPLICATION_FACTOR }
        : { replicationFactor: e.KAFKA_REPLICATION_FACTOR, minInsyncReplicas: e.KAFKA_MIN_INSYNC_REPLICAS },
    heartbeatRetentionMs: e.HEARTBEAT_RETENTION_MS,
  }));
