import { Global, Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { KafkaEventBus, Topics } from '@mammoth/events';
import { createPool, LogWatermark, OutboxRelay, PgEventStore } from '@mammoth/event-store';
import { ClusterState } from './cluster-state';
import { CONFIG, ControlPlaneConfig, loadConfig } from './config';

const log = new Logger('control-plane');

/** InfraModule provides the control plane's adapters: PostgreSQL, the event store, Kafka, the relay and the cluster cache. */
@Global()
@Module({
  providers: [
    { provide: CONFIG, useFactory: () => loadConfig() },
    {
      provide: Pool,
      inject: [CONFIG],
      useFactory: (c: ControlPlaneConfig) => createPool({ connectionString: c.databaseUrl, max: 20 }),
    },
    { provide: PgEventStore, inject: [Pool], useFactory: (pool: Pool) => new PgEventStore(pool) },
    { provide: Topics, inject: [CONFIG], useFactory: (c: ControlPlaneConfig) => new Topics(c.topicPrefix) },
    {
      provide: KafkaEventBus,
      inject: [CONFIG],
      useFactory: (c: ControlPlaneConfig) => new KafkaEventBus(c.kafkaBrokers, 'control-plane'),
    },
    {
      provide: OutboxRelay,
      inject: [CONFIG, KafkaEventBus, Topics],
      useFactory: (c: ControlPlaneConfig, bus: KafkaEventBus, topics: Topics) =>
        new OutboxRelay({ connectionString: c.databaseUrl }, bus, topics, { log: (m) => log.warn(m) }),
    },
    {
      // One per process: how far the event log is final. The cluster cache and the subscriptions never step past it.
      provide: LogWatermark,
      inject: [CONFIG, Pool],
      useFactory: (c: ControlPlaneConfig, pool: Pool) =>
        new LogWatermark(pool, { connectionString: c.databaseUrl }, { log: (m) => log.warn(m) }),
    },
    {
      provide: ClusterState,
      inject: [PgEventStore, LogWatermark],
      useFactory: (store: PgEventStore, w: LogWatermark) => new ClusterState(store, w),
    },
  ],
  exports: [CONFIG, Pool, PgEventStore, Topics, KafkaEventBus, OutboxRelay, LogWatermark, ClusterState],
})
export class InfraModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(CONFIG) private readonly config: ControlPlaneConfig,
    private readonly pool: Pool,
    private readonly bus: KafkaEventBus,
    private readonly topics: Topics,
    private readonly relay: OutboxRelay,
    private readonly cluster: ClusterState,
    private readonly watermark: LogWatermark,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.watermark.start();
    await this.cluster.refresh();
    // Topics are created in the background: commands must succeed while Kafka is down; the relay catches up later.
    void this.ensureTopics();
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.watermark.stop();
    await this.bus.disconnect();
    await this.pool.end();
  }

  private async ensureTopics(): Promise<void> {
    for (let delay = 500; ; delay = Math.min(delay * 2, 10000)) {
      try {
        await this.bus.ensureTopics(
          [...this.topics.allEvents(), this.topics.heartbeats()],
          this.config.topicPartitions,
        );
        return;
      } catch (err) {
        log.warn(`cannot create topics yet (${(err as Error).message}); retrying in ${delay} ms`);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }
}
