import { join } from 'node:path';

/** ControlPlaneConfig is every setting of the control plane, read once from the environment. */
export interface ControlPlaneConfig {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly kafkaBrokers: string[];
  readonly topicPrefix: string;
  readonly topicPartitions: number;
  readonly dataDir: string;
  readonly maxPackageBytes: number;
  readonly schedulerSeed: string;
  /** pendingPlacer tunes the loop that places pending instances when capacity appears (see PendingPlacer). */
  readonly pendingPlacer: { readonly watchMs: number; readonly sweepMs: number; readonly jitterMs: number };
}

export const CONFIG = Symbol('ControlPlaneConfig');

/** loadConfig reads the control plane's settings; every server binds to loopback unless told otherwise. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ControlPlaneConfig {
  return {
    port: Number(env.PORT ?? 8080),
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mammoth',
    kafkaBrokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    topicPrefix: env.MAMMOTH_TOPIC_PREFIX ?? 'mammoth',
    topicPartitions: Number(env.EVENT_TOPIC_PARTITIONS ?? 3),
    dataDir: env.MAMMOTH_DATA_DIR ?? join(process.cwd(), '.run', 'control-plane'),
    maxPackageBytes: Number(env.MAX_PACKAGE_BYTES ?? 2 * 1024 * 1024 * 1024),
    schedulerSeed: env.SCHEDULER_SEED ?? `${process.pid}-${Date.now()}`,
    pendingPlacer: {
      watchMs: Number(env.PENDING_WATCH_MS ?? 500),
      sweepMs: Number(env.PENDING_SWEEP_MS ?? 5000),
      jitterMs: Number(env.PENDING_JITTER_MS ?? 250),
    },
  };
}
