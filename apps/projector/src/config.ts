/** ProjectorConfig is every setting of the projector, read once from the environment. */
export interface ProjectorConfig {
  readonly databaseUrl: string;
  readonly kafkaBrokers: string[];
  readonly topicPrefix: string;
  readonly topicPartitions: number;
}

/** CONFIG is the injection token of the ProjectorConfig. */
export const CONFIG = Symbol('ProjectorConfig');

/** loadConfig reads the projector's settings; the defaults are the local PostgreSQL and Kafka that scripts/infra start. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ProjectorConfig {
  return {
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mammoth',
    kafkaBrokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    topicPrefix: env.MAMMOTH_TOPIC_PREFIX ?? 'mammoth',
    topicPartitions: Number(env.EVENT_TOPIC_PARTITIONS ?? 3),
  };
}
