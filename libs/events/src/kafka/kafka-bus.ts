import { Admin, Consumer, Kafka, logCreator, logLevel, Producer } from 'kafkajs';
import { WireMessage } from '../serde';
import { TopicSpec } from '../topics';
import { ensureTopicSpecs, TopicsEnsured } from './topic-admin';

/** BusMessage is one message read from a topic partition. */
export interface BusMessage {
  readonly offset: string;
  readonly key: string | null;
  readonly value: string;
}

/** BusBatch is a run of messages from one partition, in offset order. */
export interface BusBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly BusMessage[];
  /** highWatermark is the partition's end offset when the batch was fetched (the offset its next message will get). */
  readonly highWatermark?: string;
}

/** SubscribeOptions describes one consumer: its group, topics and what to do with each batch. */
export interface SubscribeOptions {
  groupId: string;
  topics: string[];
  fromBeginning: boolean;
  /** startOffsets, when given, positions each assigned partition when the group is joined (offsets kept outside Kafka); consumers must still check offsets per batch. */
  startOffsets?: (topic: string, partition: number) => Promise<string | null>;
  /** commitToKafka stores offsets in Kafka after each batch; projections keep them in PostgreSQL instead. */
  commitToKafka: boolean;
  eachBatch: (batch: BusBatch) => Promise<void>;
}

/** Subscription is a running consumer. */
export interface Subscription {
  stop(): Promise<void>;
}

/** KafkaLogOptions route kafkajs's own log lines (by default it writes errors to the console). */
export interface KafkaLogOptions {
  readonly logLevel: logLevel;
  readonly logCreator: logCreator;
}

/** EventBus is Mammoth's one port onto the message broker; KafkaEventBus is its only implementation so the client can be swapped. */
export interface EventBus {
  /** ensureTopics creates missing topics and corrects the configs (retention) of existing ones to match the specs. */
  ensureTopics(specs: readonly TopicSpec[]): Promise<TopicsEnsured>;
  publish(topic: string, messages: WireMessage[]): Promise<void>;
  subscribe(opts: SubscribeOptions): Promise<Subscription>;
  disconnect(): Promise<void>;
}

/** KafkaEventBus implements EventBus with kafkajs: an idempotent producer (acks=all) and consumers per subscription. */
export class KafkaEventBus implements EventBus {
  private readonly kafka: Kafka;
  /** once is a client that never retries (connecting included): for questions whose asker gives up rather than waits. */
  private readonly once: Kafka;
  private producer: Producer | null = null;
  private producerReady: Promise<Producer> | null = null;
  private readonly consumers = new Set<Consumer>();
  private pingAdmin: Admin | null = null;

  constructor(brokers: string[], clientId: string, log?: KafkaLogOptions) {
    const config = {
      clientId,
      brokers,
      logLevel: log?.logLevel ?? logLevel.ERROR,
      logCreator: log?.logCreator,
      connectionTimeout: 3000,
    };
    this.kafka = new Kafka({ ...config, retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5000 } });
    this.once = new Kafka({ ...config, retry: { retries: 0 } });
  }

  /** ping asks the cluster for its brokers over one kept admin connection, without retries; it fails while Kafka does not answer. */
  async ping(): Promise<void> {
    this.pingAdmin ??= this.once.admin();
    try {
      await this.pingAdmin.connect();
      await this.pingAdmin.describeCluster();
    } catch (err) {
      const admin = this.pingAdmin;
      this.pingAdmin = null;
      await admin?.disconnect().catch(() => undefined);
      throw err;
    }
  }

  async ensureTopics(specs: readonly TopicSpec[]): Promise<TopicsEnsured> {
    return this.withAdmin((admin) => ensureTopicSpecs(admin, specs));
  }

  /** deleteTopicsOf deletes every topic of a prefix (`<prefix>.…`): a test's or a benchmark's, never an installation's log. */
  async deleteTopicsOf(prefix: string): Promise<number> {
    return this.withAdmin(async (admin) => {
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
      if (topics.length) await admin.deleteTopics({ topics });
      return topics.length;
    });
  }

  /** topicEnds reads the end offset of every partition of the topics, keyed `topic/partition`; it asks once, no retries. */
  topicEnds(topics: readonly string[]): Promise<Map<string, bigint>> {
    return this.withAdmin(async (admin) => {
      const out = new Map<string, bigint>();
      for (const topic of topics)
        for (const p of await admin.fetchTopicOffsets(topic)) out.set(`${topic}/${p.partition}`, BigInt(p.high));
      return out;
    }, 'once');
  }

  /** withAdmin runs fn with a connected admin client (`once`: one that never retries) and disconnects it afterwards. */
  async withAdmin<T>(fn: (admin: Admin) => Promise<T>, retrying: 'retry' | 'once' = 'retry'): Promise<T> {
    const admin: Admin = (retrying === 'once' ? this.once : this.kafka).admin();
    await admin.connect();
    try {
      return await fn(admin);
    } finally {
      await admin.disconnect();
    }
  }

  async publish(topic: string, messages: WireMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.getProducer();
    try {
      await producer.send({ topic, acks: -1, messages });
    } catch (err) {
      // A failed producer is rebuilt on the next call, so a broker restart heals without restarting the process.
      this.producer = null;
      this.producerReady = null;
      await producer.disconnect().catch(() => undefined);
      throw err;
    }
  }

  async subscribe(opts: SubscribeOptions): Promise<Subscription> {
    let stopped = false;
    let current = await this.startConsumer(opts, () => {
      // A consumer that crashed for good (kafkajs will not restart it) is replaced, so a subscription never dies silently.
      if (stopped) return;
      setTimeout(() => void restart(), 1000);
    });
    const restart = async (): Promise<void> => {
      if (stopped) return;
      this.consumers.delete(current);
      await current.disconnect().catch(() => undefined);
      try {
        current = await this.startConsumer(opts, () => setTimeout(() => void restart(), 1000));
      } catch {
        setTimeout(() => void restart(), 2000);
      }
    };
    return {
      stop: async () => {
        stopped = true;
        this.consumers.delete(current);
        await current.disconnect();
      },
    };
  }

  private async startConsumer(opts: SubscribeOptions, onDead: () => void): Promise<Consumer> {
    const consumer = this.kafka.consumer({
      groupId: opts.groupId,
      sessionTimeout: 10000,
      heartbeatInterval: 1000,
      maxWaitTimeInMs: 100,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 5000 },
    });
    this.consumers.add(consumer);
    consumer.on(consumer.events.CRASH, (e) => {
      if (!e.payload.restart) onDead();
    });
    if (opts.startOffsets) {
      const startOffsets = opts.startOffsets;
      const seekStored = async (assignment: Record<string, number[]>): Promise<void> => {
        try {
          for (const [topic, partitions] of Object.entries(assignment)) {
            for (const partition of partitions) {
              const offset = await startOffsets(topic, partition);
              if (offset !== null) consumer.seek({ topic, partition, offset });
            }
          }
        } catch {
          // The consumer is stopping or the offset store is down; consumers check offsets per batch anyway.
        }
      };
      consumer.on(consumer.events.GROUP_JOIN, (e) => void seekStored(e.payload.memberAssignment));
    }
    await consumer.connect();
    await consumer.subscribe({ topics: opts.topics, fromBeginning: opts.fromBeginning });
    await consumer.run({
      autoCommit: opts.commitToKafka,
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch, heartbeat }) => {
        const messages = batch.messages.map((m) => ({
          offset: m.offset,
          key: m.key ? m.key.toString() : null,
          value: m.value ? m.value.toString() : '',
        }));
        await opts.eachBatch({
          topic: batch.topic,
          partition: batch.partition,
          messages,
          highWatermark: batch.highWatermark,
        });
        await heartbeat();
      },
    });
    return consumer;
  }

  async disconnect(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.disconnect().catch(() => undefined)));
    this.consumers.clear();
    await this.pingAdmin?.disconnect().catch(() => undefined);
    this.pingAdmin = null;
    if (this.producer) await this.producer.disconnect().catch(() => undefined);
    this.producer = null;
    this.producerReady = null;
  }

  private getProducer(): Promise<Producer> {
    if (!this.producerReady) {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      this.producerReady = producer.connect().then(() => {
        this.producer = producer;
        return producer;
      });
      this.producerReady.catch(() => {
        this.producerReady = null;
      });
    }
    return this.producerReady;
  }
}
