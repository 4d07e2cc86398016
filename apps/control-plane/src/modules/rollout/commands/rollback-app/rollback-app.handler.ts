import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppState, decideApp } from '@mammoth/domain';
import { AppScheduler } from '../../../../scheduling/app-scheduler.service';
import { RollbackAppCommand } from './rollback-app.command';

/** RollbackAppHandler records the decision; the rollout controller moves the instances. */
@CommandHandler(RollbackAppCommand)
export class RollbackAppHandler implements ICommandHandler<RollbackAppCommand> {
  constructor(private readonly scheduler: AppScheduler) {}

  execute({ name, ctx }: RollbackAppCommand): Promise<AppState> {
    return this.scheduler.run(name, (state) => decideApp({ type: 'RollbackApp', name }, state), ctx);
  }
}
