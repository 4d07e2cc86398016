import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppState, decideApp } from '@mammoth/domain';
import { converge } from '../../../../scheduling/converge';
import { PlanQueue } from '../../../../scheduling/plan-queue';
import { RollbackAppCommand } from './rollback-app.command';

/** RollbackAppHandler records the decision; the rollout controller moves the instances. */
@CommandHandler(RollbackAppCommand)
export class RollbackAppHandler implements ICommandHandler<RollbackAppCommand> {
  constructor(private readonly plans: PlanQueue) {}

  async execute({ name, ctx }: RollbackAppCommand): Promise<AppState> {
    const { state } = await this.plans.commit(converge(name, ctx, (s) => decideApp({ type: 'RollbackApp', name }, s)));
    return state;
  }
}
