import { STREAM_CATEGORIES, StreamCategory } from './catalog/define';

/** HEARTBEAT_RETENTION_MS is how long the broker keeps heartbeats unless told otherwise: minutes, since only the newest matter. */
export const HEARTBEAT_RETENTION_MS = 10 * 60_000;

/** TopicReplication is how a created topic is replicated: its replication factor and, when set, min.insync.replicas. */
export interface TopicReplication {
  readonly replicationFactor: number;
  readonly minInsyncReplicas?: number;
}

/** ONE_REPLICA is the replication of a one-broker Kafka's topics. */
export const ONE_REPLICA: TopicReplication = { replicationFactor: 1 };

/**
 * TopicSpec is one topic as Mammoth wants it: its partition count and replication factor (both applied when it is
 * created) and the topic-level configs it must carry (also corrected on an existing topic).
 */
export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
}

/** TopicSpecOptions size an installation's topics. */
export interface TopicSpecOptions {
  readonly partitions: number;
  readonly replication?: TopicReplication;
  readonly heartbeatRetentionMs?: number;
}

/** Topics names every Kafka topic of one Mammoth installation; the prefix isolates installations (and tests) on one broker. */
export class Topics {
  constructor(readonly prefix = 'mammoth') {}

  /** events is the topic that carries a stream category's events, keyed by stream id. */
  events(category: StreamCategory): string {
    return `${this.prefix}.events.${category}`;
  }

  /** allEvents lists every event topic. */
  allEvents(): string[] {
    return STREAM_CATEGORIES.map((c) => this.events(c));
  }

  /** heartbeats carries node heartbeats, which are not domain events and are not kept in the event store. */
  heartbeats(): string {
    return `${this.prefix}.heartbeats`;
  }

  /**
   * specs are every topic of the installation with its retention: event topics keep everything forever (they are the
   * audit log), the heartbeats topic keeps minutes; a heartbeat segment rolls as often, since retention drops whole segments.
   */
  specs(opts: TopicSpecOptions): TopicSpec[] {
    const { replicationFactor, minInsyncReplicas } = opts.replication ?? ONE_REPLICA;
    const insync: Record<string, string> =
      minInsyncReplicas === undefined ? {} : { 'min.insync.replicas': String(minInsyncReplicas) };
    const spec = (topic: string, configs: Record<string, string>): TopicSpec => ({
      topic,
      partitions: opts.partitions,
      replicationFactor,
      configs: { ...configs, ...insync },
    });
    const ms = String(opts.heartbeatRetentionMs ?? HEARTBEAT_RETENTION_MS);
    return [
      ...this.allEvents().map((topic) => spec(topic, { 'retention.ms': '-1', 'retention.bytes': '-1' })),
      spec(this.heartbeats(), { 'retention.ms': ms, 'retention.bytes': '-1', 'segment.ms': ms }),
    ];
  }
}
