import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppState, decideApp } from '@mammoth/domain';
import { AppScheduler } from '../../../../scheduling/app-scheduler.service';
import { PromoteAppCommand } from './promote-app.command';

/** PromoteAppHandler records the decision; the rollout controller moves the instances. */
@CommandHandler(PromoteAppCommand)
export class PromoteAppHandler implements ICommandHandler<PromoteAppCommand> {
  constructor(private readonly scheduler: AppScheduler) {}

  execute({ name, ctx }: PromoteAppCommand): Promise<AppState> {
    return this.scheduler.run(name, (state) => decideApp({ type: 'PromoteApp', name }, state), ctx);
  }
}
