import { mkdirSync } from 'node:fs';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { GraphQLModule } from '@nestjs/graphql';
import { MulterModule } from '@nestjs/platform-express';
import { AppsResolver } from './apps/apps.resolver';
import { SchedulingModule } from './apps/scheduling.module';
import { DeployAppHandler } from './apps/deploy-app/deploy-app.handler';
import { PendingApps } from './apps/queries/pending-apps';
import { PendingPlacer } from './apps/pending-placer.service';
import { RegistryReader } from './apps/queries/registry-reader';
import { CapacityReader } from './capacity/queries/capacity-reader';
import { CapacityResolver } from './capacity/capacity.resolver';
import { RemoveAppHandler } from './apps/remove-app/remove-app.handler';
import { ScaleAppHandler } from './apps/scale-app/scale-app.handler';
import { EventsResolver } from './events/events.resolver';
import { FailureDetectorModule } from './failure-detector/failure-detector.module';
import { CONFIG, ControlPlaneConfig } from './infra/config';
import { InfraModule } from './infra/infra.module';
import { InstanceRepairModule } from './instance-repair/instance-repair.module';
import { InteractionModule } from './interaction/interaction.module';
import { NodesResolver } from './nodes/nodes.resolver';
import { RegisterNodeHandler } from './nodes/register-node/register-node.handler';
import { ReportInstancesHandler } from './nodes/report-instances/report-instances.handler';
import { BlobStore } from './packages/blob-store';
import { PackagesController } from './packages/packages.controller';
import { PackagesResolver } from './packages/packages.resolver';
import { UploadPackageHandler } from './packages/upload-package/upload-package.handler';
import { join } from 'node:path';
import { RolloutModule } from './rollout/rollout.module';

/** ControlPlaneModule wires the API (GraphQL and the package repository's HTTP) to the command handlers. */
@Module({
  imports: [
    InfraModule,
    SchedulingModule,
    FailureDetectorModule,
    InstanceRepairModule,
    RolloutModule,
    InteractionModule,
    CqrsModule.forRoot(),
    GraphQLModule.forRoot<ApolloDriverConfig>({
      driver: ApolloDriver,
      autoSchemaFile: true,
      sortSchema: true,
      includeStacktraceInErrorResponses: false,
      // Subscriptions (events, lbConfig) are served over graphql-ws on the same /graphql path.
      subscriptions: { 'graphql-ws': true },
    }),
    MulterModule.registerAsync({
      inject: [CONFIG],
      useFactory: (c: ControlPlaneConfig) => {
        const dest = join(c.dataDir, 'uploads');
        mkdirSync(dest, { recursive: true });
        return { dest, limits: { fileSize: c.maxPackageBytes, files: 1 } };
      },
    }),
  ],
  controllers: [PackagesController],
  providers: [
    PendingApps,
    PendingPlacer,
    BlobStore,
    RegistryReader,
    CapacityReader,
    CapacityResolver,
    AppsResolver,
    NodesResolver,
    PackagesResolver,
    EventsResolver,
    DeployAppHandler,
    ScaleAppHandler,
    RemoveAppHandler,
    RegisterNodeHandler,
    ReportInstancesHandler,
    UploadPackageHandler,
  ],
})
export class ControlPlaneModule {}
