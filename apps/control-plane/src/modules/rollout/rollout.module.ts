import { Module } from '@nestjs/common';
import { PromoteAppHandler } from './commands/promote-app/promote-app.handler';
import { PromoteAppResolver } from './commands/promote-app/promote-app.resolver';
import { RollbackAppHandler } from './commands/rollback-app/rollback-app.handler';
import { RollbackAppResolver } from './commands/rollback-app/rollback-app.resolver';
import { UpdateAppHandler } from './commands/update-app/update-app.handler';
import { UpdateAppResolver } from './commands/update-app/update-app.resolver';
import { CONFIG, ControlPlaneConfig } from '../../infra/config';
import { ROLLOUT_CONFIG } from './rollout.config';
import { RolloutCandidates } from './rollout-candidates';
import { RolloutStep } from './rollout-step';
import { RolloutLoop } from './rollout.service';

/** RolloutModule serves updateApp, promoteApp and rollbackApp, and drives every rollout in progress (RolloutLoop). */
@Module({
  providers: [
    { provide: ROLLOUT_CONFIG, inject: [CONFIG], useFactory: (c: ControlPlaneConfig) => c.rollout },
    RolloutCandidates,
    RolloutStep,
    RolloutLoop,
    UpdateAppHandler,
    UpdateAppResolver,
    PromoteAppHandler,
    PromoteAppResolver,
    RollbackAppHandler,
    RollbackAppResolver,
  ],
})
export class RolloutModule {}
