import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppState, decideApp, DomainError, evolvePackage, initialPackageState, pinPackage } from '@mammoth/domain';
import { streamIds } from '@mammoth/events';
import { DomainException } from '../../../../common/domain.exception';
import { AggregateRepository, reducing } from '../../../../scheduling/aggregate-repository';
import { AppScheduler } from '../../../../scheduling/app-scheduler.service';
import { UpdateAppCommand } from './update-app.command';

/** UpdateAppHandler pins the requested package version and records AppUpdateStarted; the rollout controller does the rest. */
@CommandHandler(UpdateAppCommand)
export class UpdateAppHandler implements ICommandHandler<UpdateAppCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly scheduler: AppScheduler,
  ) {}

  async execute({ input, ctx }: UpdateAppCommand): Promise<AppState> {
    const packages = await this.repo.load(
      streamIds.package(input.package),
      initialPackageState,
      reducing(evolvePackage),
    );
    const pkg = pinPackage(packages.state, input.package, input.version);
    if (pkg instanceof DomainError) throw new DomainException(pkg);
    const { name, maxSurge, maxUnavailable, canary } = input;
    return this.scheduler.run(
      name,
      (state) => decideApp({ type: 'UpdateApp', name, package: pkg, maxSurge, maxUnavailable, canary }, state),
      ctx,
    );
  }
}
