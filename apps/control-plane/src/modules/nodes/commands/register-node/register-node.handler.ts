import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { decideNode } from '@mammoth/domain';
import { orThrow } from '../../../../common/domain.exception';
import { PlanQueue } from '../../../../scheduling/plan-queue';
import { RegisterNodeCommand } from './register-node.command';

/** RegisterNodeHandler appends NodeRegistered unless the node is already registered with the same facts. */
@CommandHandler(RegisterNodeCommand)
export class RegisterNodeHandler implements ICommandHandler<RegisterNodeCommand> {
  constructor(private readonly plans: PlanQueue) {}

  async execute({ info, ctx }: RegisterNodeCommand): Promise<{ nodeId: string; changed: boolean }> {
    const { nodes } = await this.plans.commit({
      app: null,
      ctx,
      decide: ({ nodes: view }) => {
        const events = [...orThrow(decideNode({ type: 'RegisterNode', info }, view.node(info.nodeId)))];
        return { app: [], nodes: new Map([[info.nodeId, events]]), value: undefined };
      },
    });
    return { nodeId: info.nodeId, changed: (nodes.get(info.nodeId)?.length ?? 0) > 0 };
  }
}
