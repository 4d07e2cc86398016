import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { DomainError } from '@mammoth/domain';
import { Requires } from '@mammoth/platform';
import { AclCache } from '../../../identity/acl-cache';
import { Caller } from '../../../../common/access/caller.decorator';
import { Principal } from '../../../../common/access/principal';
import { newContext } from '../../../../common/command-context';
import { DomainException } from '../../../../common/domain.exception';
import { RegisterNodeInput } from '../../node.inputs';
import { NodeModel } from '../../node.model';
import { RegisterNodeCommand } from './register-node.command';

/** RegisterNodeResolver turns a node daemon's registerNode mutation into a RegisterNodeCommand. */
@Resolver(() => NodeModel)
export class RegisterNodeResolver {
  constructor(
    private readonly commands: CommandBus,
    private readonly acl: AclCache,
  ) {}

  @Mutation(() => NodeModel, {
    description:
      'Register (or re-register) a machine; an enrolled node gets the labels of its join token over its own.',
  })
  @Requires('nodes:register', (a) => a.input.nodeId)
  async registerNode(
    @Caller() caller: Principal,
    @Args('input') input: RegisterNodeInput,
  ): Promise<Partial<NodeModel>> {
    if (input.portTo < input.portFrom)
      throw new DomainException(DomainError.invalid('portTo', `must be at least portFrom (${input.portFrom})`));
    const enrolment = this.acl.enrolmentOf(input.nodeId);
    const labels = {
      ...Object.fromEntries((input.labels ?? []).map((l) => [l.key, l.value])),
      ...(enrolment.status === 'enrolled' ? enrolment.labels : {}),
    };
    const info = {
      nodeId: input.nodeId,
      hostname: input.hostname,
      address: input.address,
      capacity: { cpuMillis: Math.round(input.cpus * 1000), memoryMiB: input.memoryMiB, diskMiB: input.diskMiB },
      portRange: { from: input.portFrom, to: input.portTo },
      labels,
      driver: input.driver as 'docker' | 'sim',
      ...(input.metricsPort === undefined || input.metricsPort === null ? {} : { metricsPort: input.metricsPort }),
    };
    await this.commands.execute(new RegisterNodeCommand(info, newContext(caller.subject)));
    return {
      ...input,
      id: input.nodeId,
      labels: Object.entries(labels).map(([key, value]) => ({ key, value })),
      status: 'ready',
      registeredAt: new Date().toISOString(),
    };
  }
}
