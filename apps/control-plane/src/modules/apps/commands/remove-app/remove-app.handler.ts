import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppState, decideApp } from '@mammoth/domain';
import { AppScheduler } from '../../../../scheduling/app-scheduler.service';
import { RemoveAppCommand } from './remove-app.command';

/** RemoveAppHandler records the removal and the stop of every instance in one commit. */
@CommandHandler(RemoveAppCommand)
export class RemoveAppHandler implements ICommandHandler<RemoveAppCommand> {
  constructor(private readonly scheduler: AppScheduler) {}

  execute({ name, ctx }: RemoveAppCommand): Promise<AppState> {
    return this.scheduler.run(name, (state) => decideApp({ type: 'RemoveApp', name }, state), ctx);
  }
}
