import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppState, decideApp } from '@mammoth/domain';
import { AppScheduler } from '../../../../scheduling/app-scheduler.service';
import { ScaleAppCommand } from './scale-app.command';

/** ScaleAppHandler records the new count and places or stops the difference in the same commit. */
@CommandHandler(ScaleAppCommand)
export class ScaleAppHandler implements ICommandHandler<ScaleAppCommand> {
  constructor(private readonly scheduler: AppScheduler) {}

  execute({ name, instances, ctx }: ScaleAppCommand): Promise<AppState> {
    return this.scheduler.run(name, (state) => decideApp({ type: 'ScaleApp', name, instances }, state), ctx);
  }
}
