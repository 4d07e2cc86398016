import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  AppState,
  decideApp,
  DEFAULT_STRATEGY,
  DomainError,
  evolvePackage,
  initialPackageState,
  pinPackage,
} from '@mammoth/domain';
import { Constraint, HealthCheck, Strategy, streamIds } from '@mammoth/events';
import { AggregateRepository, reducing } from '../../../../scheduling/aggregate-repository';
import { DomainException } from '../../../../common/domain.exception';
import { converge } from '../../../../scheduling/converge';
import { PlanQueue } from '../../../../scheduling/plan-queue';
import { DeployAppCommand } from './deploy-app.command';

/** DeployAppHandler resolves the package version, records the app and places its instances in one commit. */
@CommandHandler(DeployAppCommand)
export class DeployAppHandler implements ICommandHandler<DeployAppCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly plans: PlanQueue,
  ) {}

  async execute({ input, ctx }: DeployAppCommand): Promise<AppState> {
    const packages = await this.repo.load(
      streamIds.package(input.package),
      initialPackageState,
      reducing(evolvePackage),
    );
    const pkg = pinPackage(packages.state, input.package, input.version ?? null);
    if (pkg instanceof DomainError) throw new DomainException(pkg);
    const spec = {
      name: input.name,
      package: pkg,
      instances: input.instances,
      resources: { cpuMillis: input.cpuMillis, memoryMiB: input.memoryMiB, diskMiB: input.diskMiB },
      env: input.env,
      strategy: (input.strategy ?? DEFAULT_STRATEGY) as Strategy,
      // decideApp reads constraints loosely and refuses a bad kind, op or a field the kind does not take, naming it.
      constraints: (input.constraints ?? []) as unknown as Constraint[],
      // decideApp likewise checks the health check loosely, naming the field at fault, and fills its defaults.
      healthCheck: (input.healthCheck ?? undefined) as HealthCheck | undefined,
      maxRestarts: input.maxRestarts ?? undefined,
      restartWindowMs: input.restartWindowMs ?? undefined,
      isolation: input.isolation,
    };
    const deploy = converge(input.name, ctx, (s) => decideApp({ type: 'DeployApp', spec }, s), { checkFits: true });
    return (await this.plans.commit(deploy)).state;
  }
}
