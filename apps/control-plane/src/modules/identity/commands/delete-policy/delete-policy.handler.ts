import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { decidePolicy, evolvePolicy, initialPolicyState } from '@mammoth/domain';
import { streamIds } from '@mammoth/events';
import { AclStreams } from '../../acl-streams';
import { DeletePolicyCommand } from './delete-policy.command';

/** DeletePolicyHandler records a deletion; tokens naming the policy keep their other policies. */
@CommandHandler(DeletePolicyCommand)
export class DeletePolicyHandler implements ICommandHandler<DeletePolicyCommand> {
  constructor(private readonly streams: AclStreams) {}

  async execute({ name, ctx }: DeletePolicyCommand): Promise<void> {
    await this.streams.handle(
      streamIds.policy(name),
      initialPolicyState,
      evolvePolicy,
      (s) => decidePolicy({ type: 'DeletePolicy', name }, s),
      ctx,
    );
  }
}
