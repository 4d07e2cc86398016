import { z } from 'zod';
import { int } from './env';

/** TopicsConfig names a Mammoth installation's Kafka topics and how many partitions an event topic gets when created. */
export interface TopicsConfig {
  readonly prefix: string;
  readonly partitions: number;
}

/** topicsConfig is the schema of the topic settings: MAMMOTH_TOPIC_PREFIX (mammoth) and EVENT_TOPIC_PARTITIONS (3). */
export const topicsConfig = z
  .object({
    MAMMOTH_TOPIC_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits, . _ - (a Kafka topic name part)')
      .default('mammoth'),
    EVENT_TOPIC_PARTITIONS: int(1).default(3),
  })
  .transform((e): TopicsConfig => ({ prefix: e.MAMMOTH_TOPIC_PREFIX, partitions: e.EVENT_TOPIC_PARTITIONS }));
