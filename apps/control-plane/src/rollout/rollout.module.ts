import { Module } from '@nestjs/common';
import { PromoteAppHandler } from './promote-app/promote-app.handler';
import { RollbackAppHandler } from './rollback-app/rollback-app.handler';
import { loadRolloutConfig, ROLLOUT_CONFIG } from './rollout.config';
import { RolloutResolver } from './rollout.resolver';
import { RolloutStep } from './rollout-step';
import { RolloutLoop } from './rollout.service';
import { UpdateAppHandler } from './update-app/update-app.handler';

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
