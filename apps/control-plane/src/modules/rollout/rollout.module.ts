import { Module } from '@nestjs/common';
import { PromoteAppHandler } from './commands/promote-app/promote-app.handler';
import { RollbackAppHandler } from './commands/rollback-app/rollback-app.handler';
import { loadRolloutConfig, ROLLOUT_CONFIG } from './rollout.config';
import { RolloutResolver } from './queries/app-rollout/app-rollout.resolver';
import { RolloutStep } from './rollout-step';
import { RolloutLoop } from './rollout.service';
import { UpdateAppHandler } from './commands/update-app/update-app.handler';

/** RolloutModule serves updateApp, promoteApp and rollbackApp, and drives every rollout in progress (RolloutLoop). */
@Module({
  providers: [
    { provide: ROLLOUT_CONFIG, useFactory: () => loadRolloutConfig() },
    RolloutStep,
    RolloutLoop,
    RolloutResolver,
    UpdateAppHandler,
    PromoteAppHandler,
    RollbackAppHandler,
  ],
})
export class RolloutModule {}
