import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppState, decideApp } from '@mammoth/domain';
import { converge } from '../../../../scheduling/converge';
import { PlanQueue } from '../../../../scheduling/plan-queue';
import { ScaleAppCommand } from './scale-app.command';

/** ScaleAppHandler records the new count and places or stops the difference in the same commit. */
@CommandHandler(ScaleAppCommand)
export class ScaleAppHandler implements ICommandHandler<ScaleAppCommand> {
  constructor(private readonly plans: PlanQueue) {}

  async execute({ name, instances, ctx }: ScaleAppCommand): Promise<AppState> {
    const { state } = await this.plans.commit(
      converge(name, ctx, (s) => decideApp({ type: 'ScaleApp', name, instances }, s)),
    );
    return state;
  }
}
