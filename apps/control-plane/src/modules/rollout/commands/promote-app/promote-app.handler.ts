import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppState, decideApp } from '@mammoth/domain';
import { converge } from '../../../../scheduling/converge';
import { PlanQueue } from '../../../../scheduling/plan-queue';
import { PromoteAppCommand } from './promote-app.command';

/** PromoteAppHandler records the decision; the rollout controller moves the instances. */
@CommandHandler(PromoteAppCommand)
export class PromoteAppHandler implements ICommandHandler<PromoteAppCommand> {
  constructor(private readonly plans: PlanQueue) {}

  async execute({ name, ctx }: PromoteAppCommand): Promise<AppState> {
    const { state } = await this.plans.commit(converge(name, ctx, (s) => decideApp({ type: 'PromoteApp', name }, s)));
    return state;
  }
}
