import { z } from 'zod';
import { int } from './env';

/**
 * TopicsConfig names a Mammoth installation's Kafka topics, and how many partitions and replicas (with, when set, how many
 * must be in sync for a write) an event topic gets when created.
 */
export interface TopicsConfig {
  readonly prefix: string;
  readonly partitions: number;
  readonly replication: { readonly replicationFactor: number; readonly minInsyncReplicas?: number };
}

/**
 * topicsConfig is the schema of the topic settings: MAMMOTH_TOPIC_PREFIX (mammoth), EVENT_TOPIC_PARTITIONS (3),
 * KAFKA_REPLICATION_FACTOR (1) and KAFKA_MIN_INSYNC_REPLICAS (the broker's), at most the replication factor.
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
  }));
