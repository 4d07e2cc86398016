import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { decideNode, evolveNode, initialNodeState } from '@mammoth/domain';
import { streamIds } from '@mammoth/events';
import { AggregateRepository, reducing } from '../../../../scheduling/aggregate-repository';
import { orThrow } from '../../../../common/domain.exception';
import { RegisterNodeCommand } from './register-node.command';

/** RegisterNodeHandler appends NodeRegistered unless the node is already registered with the same facts. */
@CommandHandler(RegisterNodeCommand)
export class RegisterNodeHandler implements ICommandHandler<RegisterNodeCommand> {
  constructor(private readonly repo: AggregateRepository) {}

  execute({ info, ctx }: RegisterNodeCommand): Promise<{ nodeId: string; changed: boolean }> {
    const streamId = streamIds.node(info.nodeId);
    return this.repo.retrying(async () => {
      const { state, version } = await this.repo.load(streamId, initialNodeState, reducing(evolveNode));
      const events = orThrow(decideNode({ type: 'RegisterNode', info }, state));
      await this.repo.append([{ streamId, expectedVersion: version, events: [...events] }], ctx);
      return { nodeId: info.nodeId, changed: events.length > 0 };
    });
  }
}
