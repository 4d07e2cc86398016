import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppState, decideApp } from '@mammoth/domain';
import { converge } from '../../../../scheduling/converge';
import { PlanQueue } from '../../../../scheduling/plan-queue';
import { RemoveAppCommand } from './remove-app.command';

/** RemoveAppHandler records the removal and the stop of every instance in one commit. */
@CommandHandler(RemoveAppCommand)
export class RemoveAppHandler implements ICommandHandler<RemoveAppCommand> {
  constructor(private readonly plans: PlanQueue) {}

  async execute({ name, ctx }: RemoveAppCommand): Promise<AppState> {
    const { state } = await this.plans.commit(converge(name, ctx, (s) => decideApp({ type: 'RemoveApp', name }, s)));
    return state;
  }
}
