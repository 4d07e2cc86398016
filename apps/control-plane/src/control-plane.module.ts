import { mkdirSync } from 'node:fs';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { GraphQLModule } from '@nestjs/graphql';
import { MulterModule } from '@nestjs/platform-express';
import { AppsResolver } from './modules/apps/queries/apps/apps.resolver';
import { SchedulingModule } from './scheduling/scheduling.module';
import { DeployAppHandler } from './modules/apps/commands/deploy-app/deploy-app.handler';
import { PendingApps } from './modules/pending-placer/pending-apps';
import { PendingPlacer } from './modules/pending-placer/pending-placer.service';
import { RegistryReader } from './modules/apps/queries/apps/registry-reader';
import { CapacityReader } from './modules/capacity/queries/capacity/capacity-reader';
import { CapacityResolver } from './modules/capacity/queries/capacity/capacity.resolver';
import { RemoveAppHandler } from './modules/apps/commands/remove-app/remove-app.handler';
import { ScaleAppHandler } from './modules/apps/commands/scale-app/scale-app.handler';
import { EventsResolver } from './modules/events/events.resolver';
import { FailureDetectorModule } from './modules/failure-detector/failure-detector.module';
import { CONFIG, ControlPlaneConfig } from './infra/config';
import { InfraModule } from './infra/infra.module';
import { InstanceRepairModule } from './modules/instance-repair/instance-repair.module';
import { InteractionModule } from './modules/discovery/discovery.module';
import { NodesResolver } from './modules/nodes/queries/nodes/nodes.resolver';
import { RegisterNodeHandler } from './modules/nodes/commands/register-node/register-node.handler';
import { ReportInstancesHandler } from './modules/nodes/commands/report-instances/report-instances.handler';
import { BlobStore } from './modules/packages/blob-store';
import { PackagesController } from './modules/packages/commands/upload-package/upload-package.controller';
import { PackagesResolver } from './modules/packages/queries/packages/packages.resolver';
import { UploadPackageHandler } from './modules/packages/commands/upload-package/upload-package.handler';
import { join } from 'node:path';
import { RolloutModule } from './modules/rollout/rollout.module';

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
