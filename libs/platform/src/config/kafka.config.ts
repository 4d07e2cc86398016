import { z } from 'zod';

/** KafkaConfig is how a process reaches Kafka. */
export interface KafkaConfig {
  readonly brokers: string[];
  /** logLevel is what kafkajs itself logs (through the process's logger); its info level is chatty. */
  readonly logLevel: 'nothing' | 'error' | 'warn' | 'info' | 'debug';
}

const BROKER = /^[^\s,:]+:\d{1,5}$/;

/** kafkaConfig is the schema of the Kafka settings: KAFKA_BROKERS (host:port,...) and KAFKA_LOG_LEVEL (error). */
export const kafkaConfig = z
  .object({
    KAFKA_BROKERS: z
      .string()
      .default('127.0.0.1:9092')
      .transform((s) => s.split(',').map((b) => b.trim()))
      .refine((bs) => bs.every((b) => BROKER.test(b)), 'must be host:port[,host:port...]'),
    KAFKA_LOG_LEVEL: z.enum(['nothing', 'error', 'warn', 'info', 'debug']).default('error'),
  })
  .transform((e): KafkaConfig => ({ brokers: e.KAFKA_BROKERS, logLevel: e.KAFKA_LOG_LEVEL }));
