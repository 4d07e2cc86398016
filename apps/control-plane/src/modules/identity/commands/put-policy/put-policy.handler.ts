import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { decidePolicy, evolvePolicy, initialPolicyState } from '@mammoth/domain';
import { streamIds } from '@mammoth/events';
import { AclStreams } from '../../acl-streams';
import { PutPolicyCommand } from './put-policy.command';

/** PutPolicyHandler records a policy; tokens naming it are judged by the new rules from then on. */
@CommandHandler(PutPolicyCommand)
export class PutPolicyHandler implements ICommandHandler<PutPolicyCommand> {
  constructor(private readonly streams: AclStreams) {}

  async execute({ name, rules, ctx }: PutPolicyCommand): Promise<void> {
    await this.streams.handle(
      streamIds.policy(name),
      initialPolicyState,
      evolvePolicy,
      (s) => decidePolicy({ type: 'PutPolicy', name, rules }, s),
      ctx,
    );
  }
}
