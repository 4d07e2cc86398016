import { Module } from '@nestjs/common';
import { DeployAppHandler } from './commands/deploy-app/deploy-app.handler';
import { DeployAppResolver } from './commands/deploy-app/deploy-app.resolver';
import { RemoveAppHandler } from './commands/remove-app/remove-app.handler';
import { RemoveAppResolver } from './commands/remove-app/remove-app.resolver';
import { ScaleAppHandler } from './commands/scale-app/scale-app.handler';
import { ScaleAppResolver } from './commands/scale-app/scale-app.resolver';
import { AppsResolver } from './queries/apps/apps.resolver';
import { RegistryReader } from './queries/apps/registry-reader';
import { AppMetrics } from './queries/apps/app.metrics';

/** AppsModule serves deployApp, scaleApp and removeApp, and the app queries from the registry read model. */
@Module({
  providers: [
    AppMetrics,
    DeployAppHandler,
    DeployAppResolver,
    ScaleAppHandler,
    ScaleAppResolver,
    RemoveAppHandler,
    RemoveAppResolver,
    RegistryReader,
    AppsResolver,
  ],
})
export class AppsModule {}
