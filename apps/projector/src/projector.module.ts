import { Module } from '@nestjs/common';
import { Pool } from 'pg';
import { KafkaEventBus, Topics } from '@mammoth/events';
import { createPool } from '@mammoth/event-store';
import { CONFIG, loadConfig, ProjectorConfig } from './config';
import { ProjectorService } from './projector.service';

/** ProjectorModule wires the projector's adapters (PostgreSQL, Kafka, topic names) to the ProjectorService. */
@Module({
  providers: [
    { provide: CONFIG, useFactory: () => loadConfig() },
    {
      provide: Pool,
      inject: [CONFIG],
      useFactory: (c: ProjectorConfig) =>
        createPool({ connectionString: c.databaseUrl, max: 10, connectionTimeoutMillis: 5000 }),
    },
    { provide: Topics, inject: [CONFIG], useFactory: (c: ProjectorConfig) => new Topics(c.topicPrefix) },
    {
      provide: KafkaEventBus,
      inject: [CONFIG],
      useFactory: (c: ProjectorConfig) => new KafkaEventBus(c.kafkaBrokers, 'projector'),
    },
    ProjectorService,
  ],
})
export class ProjectorModule {}
