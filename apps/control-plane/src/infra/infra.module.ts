import {
  DynamicModule,
  Global,
  Inject,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Pool } from 'pg';
import { KafkaEventBus, Topics } from '@mammoth/events';
import { createPool, LogWatermark, OutboxRelay, PgEventStore, pgConfig, pgPoolConfig } from '@mammoth/event-store';
import { kafkaLogging, LOOP_SILENCE_MS, LoopBeats } from '@mammoth/platform';
import { ClusterState } from './cluster-state';
import { CONFIG, ControlPlaneConfig } from './config';

const log = new Logger('control-plane');

/**
 * InfraModule provides the control plane's config and adapters: PostgreSQL, the event store, Kafka, the relay, the
 * cluster cache and the LoopBeats its loops report to.
 */
@Global()
@Module({
  providers: [
    { provide: LoopBeats, useFactory: () => new LoopBeats() },
    { provide: Pool, inject: [CONFIG], useFactory: (c: ControlPlaneConfig) => createPool(pgPoolConfig(c.database)) },
    { provide: PgEventStore, inject: [Pool], useFactory: (pool: Pool) => new PgEventStore(pool) },
    { provide: Topics, inject: [CONFIG], useFactory: (c: ControlPlaneConfig) => new Topics(c.topics.prefix) },
    {
      provide: KafkaEventBus,
      inject: [CONFIG],
      useFactory: (c: ControlPlaneConfig) =>
        new KafkaEventBus(c.kafka.brokers, 'control-plane', kafkaLogging(c.kafka.logLevel)),
    },
    {
      provide: OutboxRelay,
      inject: [CONFIG, KafkaEventBus, Topics, LoopBeats],
      useFactory: (c: ControlPlaneConfig, bus: KafkaEventBus, topics: Topics, beats: LoopBeats) =>
        new OutboxRelay(pgConfig(c.database), bus, topics, {
          log: (m) => log.warn(m),
          onRound: () => beats.beat('outbox-relay', LOOP_SILENCE_MS),
        }),
    },
    {
      // One per process: how far the event log is final. The cluster cache and the subscriptions never step past it.
      provide: LogWatermark,
      inject: [CONFIG, Pool, LoopBeats],
      useFactory: (c: ControlPlaneConfig, pool: Pool, beats: LoopBeats) =>
        new LogWatermark(pool, pgConfig(c.database), {
          log: (m) => log.warn(m),
          onLook: () => beats.beat('log-watermark', LOOP_SILENCE_MS),
        }),
    },
    {
      provide: ClusterState,
      inject: [PgEventStore, LogWatermark],
      useFactory: (store: PgEventStore, w: LogWatermark) =>
        new ClusterState(store, w, (m) => new Logger('cluster-state').error(m)),
    },
  ],
  exports: [LoopBeats, Pool, PgEventStore, Topics, KafkaEventBus, OutboxRelay, LogWatermark, ClusterState],
})
export class InfraModule implements OnApplicationBootstrap, OnApplicationShutdown {
  /** forConfig makes the module with the config read at start, which it provides to the whole app as CONFIG. */
  static forConfig(config: ControlPlaneConfig): DynamicModule {
    return {
      module: InfraModule,
      providers: [{ provide: CONFIG, useValue: config }],
      exports: [CONFIG],
    };
  }

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
        const ensured = await this.bus.ensureTopics(this.topics.specs(this.config.topics));
        if (ensured.corrected.length) log.log(`corrected the settings of topics ${ensured.corrected.join(', ')}`);
        return;
      } catch (err) {
        log.warn(`cannot create topics yet (${(err as Error).message}); retrying in ${delay} ms`);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }
}
