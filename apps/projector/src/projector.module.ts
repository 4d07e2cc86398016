import { DynamicModule, Module } from '@nestjs/common';
import { Pool } from 'pg';
import { KafkaEventBus, Topics } from '@mammoth/events';
import { createPool, pgPoolConfig } from '@mammoth/event-store';
import {
  HealthModule,
  kafkaLogging,
  kafkaProbe,
  LoggingModule,
  LoopBeats,
  MetricsModule,
  postgresProbe,
} from '@mammoth/platform';
import { CONFIG, ProjectorConfig } from './config';
import { ProjectorService } from './projector.service';

/**
 * ProjectorModule wires the projector's adapters (PostgreSQL, Kafka, topic names) to the ProjectorService, and serves
 * /healthz (its log watermark goes round), /readyz (PostgreSQL and Kafka answer) and /metrics (to tokens the control
 * plane says hold metrics:read).
 */
@Module({})
export class ProjectorModule {
  /** forConfig makes the module with the config read at start. */
  static forConfig(config: ProjectorConfig): DynamicModule {
    return {
      module: ProjectorModule,
      global: true,
      imports: [
        LoggingModule.forRoot(),
        MetricsModule.forRoot({ process: 'projector', controlPlaneUrls: config.controlPlane.urls }),
        HealthModule.forProbes({
          inject: [LoopBeats, Pool, KafkaEventBus],
          useFactory: (beats: LoopBeats, pool: Pool, bus: KafkaEventBus) => ({
            liveness: [beats.probe()],
            readiness: [postgresProbe(pool), kafkaProbe(bus)],
          }),
        }),
      ],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: LoopBeats, useFactory: () => new LoopBeats() },
        { provide: Pool, useFactory: () => createPool(pgPoolConfig(config.database)) },
        { provide: Topics, useFactory: () => new Topics(config.topics.prefix) },
        {
          provide: KafkaEventBus,
          useFactory: () => new KafkaEventBus(config.kafka.brokers, 'projector', kafkaLogging(config.kafka.logLevel)),
        },
        ProjectorService,
      ],
      exports: [LoopBeats, Pool, KafkaEventBus, ProjectorService],
    };
  }
}
