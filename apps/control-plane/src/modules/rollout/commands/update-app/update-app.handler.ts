import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppState, decideApp } from '@mammoth/domain';
import { AggregateRepository } from '../../../../scheduling/aggregate-repository';
import { AppScheduler } from '../../../../scheduling/app-scheduler.service';
import { resolvePackage } from '../../../apps/commands/deploy-app/deploy-app.handler';
import { UpdateAppCommand } from './update-app.command';

/** UpdateAppHandler pins the requested package version and records AppUpdateStarted; the rollout controller does the rest. */
@CommandHandler(UpdateAppCommand)
export class UpdateAppHandler implements ICommandHandler<UpdateAppCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly scheduler: AppScheduler,
  ) {}

  async execute({ input, ctx }: UpdateAppCommand): Promise<AppState> {
    const pkg = await resolvePackage(this.repo, input.package, input.version);
    const { name, maxSurge, maxUnavailable, canary } = input;
    return this.scheduler.run(
      name,
      (state) => decideApp({ type: 'UpdateApp', name, package: pkg, maxSurge, maxUnavailable, canary }, state),
      ctx,
    );
  }
}
