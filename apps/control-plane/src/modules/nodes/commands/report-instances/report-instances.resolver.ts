import { Args, Int, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { DomainError, InstanceRuntimeState, isValidUuid } from '@mammoth/domain';
import { Requires } from '@mammoth/platform';
import { Caller } from '../../../../common/access/caller.decorator';
import { Principal } from '../../../../common/access/principal';
import { newContext } from '../../../../common/command-context';
import { DomainException } from '../../../../common/domain.exception';
import { InstanceReportInput } from '../../node.inputs';
import { NodeModel } from '../../node.model';
import { ReportInstancesCommand } from './report-instances.command';

/** ReportInstancesResolver turns a node daemon's reportInstances mutation into a ReportInstancesCommand. */
@Resolver(() => NodeModel)
export class ReportInstancesResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation(() => Int, {
    description: 'Record a batch of instance state reports; returns the number of events written.',
  })
  @Requires('nodes:report', (a) => (a.reports as InstanceReportInput[]).map((r) => r.nodeId))
  reportInstances(
    @Caller() caller: Principal,
    @Args('reports', { type: () => [InstanceReportInput] }) reports: InstanceReportInput[],
  ): Promise<number> {
    const bad = reports.find((r) => !isValidUuid(r.instanceId));
    if (bad) throw new DomainException(DomainError.invalid('instanceId', `"${bad.instanceId}" is not a UUID`));
    const ctx = newContext(caller.subject);
    return this.commands.execute(
      new ReportInstancesCommand(
        reports.map((r) => ({
          type: 'ReportInstance' as const,
          instanceId: r.instanceId,
          app: r.app,
          nodeId: r.nodeId,
          state: r.state as Exclude<InstanceRuntimeState, 'unknown'>,
          containerId: r.containerId ?? null,
          exitCode: r.exitCode ?? null,
          reason: r.reason ?? null,
          health: r.health ?? null,
          // An exit is dated by its node when it says (reports may queue while the control plane is away), else on arrival.
          at: r.state === 'exited' ? (r.exitedAt ?? ctx.timestamp) : null,
          nextAttemptAt: r.nextAttemptAt ?? null,
        })),
        ctx,
      ),
    );
  }
}
