import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppState, decideApp, DomainError, evolvePackage, initialPackageState, pinPackage } from '@mammoth/domain';
import { streamIds } from '@mammoth/events';
import { DomainException } from '../../../../common/domain.exception';
import { AggregateRepository, reducing } from '../../../../scheduling/aggregate-repository';
import { converge } from '../../../../scheduling/converge';
import { PlanQueue } from '../../../../scheduling/plan-queue';
import { UpdateAppCommand } from './update-app.command';

/** UpdateAppHandler pins the requested package version and records AppUpdateStarted; the rollout controller does the rest. */
@CommandHandler(UpdateAppCommand)
export class UpdateAppHandler implements ICommandHandler<UpdateAppCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly plans: PlanQueue,
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
    const update = { type: 'UpdateApp' as const, name, package: pkg, maxSurge, maxUnavailable, canary };
    return (await this.plans.commit(converge(name, ctx, (s) => decideApp(update, s)))).state;
  }
}
