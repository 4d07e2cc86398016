import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { GraphQLModule } from '@nestjs/graphql';
import { Pool } from 'pg';
import { KafkaEventBus } from '@mammoth/events';
import { HealthModule, kafkaProbe, LoggingModule, LoopBeats, MetricsModule, postgresProbe } from '@mammoth/platform';
import { ApiModule } from './api/api.module';
import { complexityPlugin, depthRule, noStorePlugin } from './api/graphql-limits';
import { introspectionGate } from './api/introspection-gate';
import { WebSocketGate } from './api/websocket-gate';
import { CONFIG, ControlPlaneConfig } from './infra/config';
import { InfraModule } from './infra/infra.module';
import { AppsModule } from './modules/apps/apps.module';
import { CapacityModule } from './modules/capacity/capacity.module';
import { ConsoleModule } from './modules/console/console.module';
import { DiscoveryModule } from './modules/discovery/discovery.module';
import { EventsModule } from './modules/events/events.module';
import { FailureDetectorModule } from './modules/failure-detector/failure-detector.module';
import { AclCache } from './modules/identity/acl-cache';
import { IdentityModule } from './modules/identity/identity.module';
import { InstanceRepairModule } from './modules/instance-repair/instance-repair.module';
import { MonitoringModule } from './modules/monitoring/monitoring.module';
import { NodesModule } from './modules/nodes/nodes.module';
import { PackagesModule } from './modules/packages/packages.module';
import { PendingPlacerModule } from './modules/pending-placer/pending-placer.module';
import { ProjectionsModule } from './modules/projections/projections.module';
import { RolloutModule } from './modules/rollout/rollout.module';
import { SchedulingModule } from './scheduling/scheduling.module';

/**
 * ControlPlaneModule serves GraphQL over the feature modules, every call through the one access guard, on the shared infrastructure and the one scheduler, with
 * request logging and /healthz (its loops go round) and /readyz (PostgreSQL and Kafka answer) on the same port.
 */
@Module({
  imports: [
    LoggingModule.forRoot(),
    HealthModule.forProbes({
      inject: [LoopBeats, Pool, KafkaEventBus],
      useFactory: (beats: LoopBeats, pool: Pool, bus: KafkaEventBus) => ({
        liveness: [beats.probe()],
        readiness: [postgresProbe(pool), kafkaProbe(bus)],
      }),
    }),
    MetricsModule.forRoot({ process: 'control-plane' }),
    SchedulingModule,
    CqrsModule.forRoot(),
    IdentityModule,
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      imports: [ApiModule],
      inject: [CONFIG, WebSocketGate, AclCache],
      useFactory: (c: ControlPlaneConfig, gate: WebSocketGate, acl: AclCache) => ({
        autoSchemaFile: true,
        sortSchema: true,
        includeStacktraceInErrorResponses: false,
        // No Playground or Apollo landing page (they load from CDNs): the console serves GraphiQL at /graphiql.
        playground: false,
        // Subscriptions (events, lbConfig) are served over graphql-ws on the same /graphql path, behind the gate.
        subscriptions: { 'graphql-ws': gate.options() },
        validationRules: [depthRule(c.api)],
        // No cache-control plugin: it wraps every field's resolver to gather hints that this schema never sets.
        plugins: [
          complexityPlugin(c.api),
          introspectionGate(acl),
          ApolloServerPluginCacheControlDisabled(),
          noStorePlugin(),
        ],
      }),
    }),
    AppsModule,
    RolloutModule,
    NodesModule,
    PackagesModule,
    CapacityModule,
    EventsModule,
    DiscoveryModule,
    PendingPlacerModule,
    InstanceRepairModule,
    FailureDetectorModule,
    ConsoleModule,
    ProjectionsModule,
    MonitoringModule,
  ],
})
export class ControlPlaneModule {
  /** forConfig makes the control plane's module with the config read at start. */
  static forConfig(config: ControlPlaneConfig): DynamicModule {
    return { module: ControlPlaneModule, imports: [InfraModule.forConfig(config)] };
  }
}
