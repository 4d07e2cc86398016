import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { decideJoinToken, evolveJoinToken, initialJoinTokenState } from '@mammoth/domain';
import { streamIds } from '@mammoth/events';
import { AclStreams } from '../../acl-streams';
import { RevokeJoinTokenCommand } from './revoke-join-token.command';

/** RevokeJoinTokenHandler records the revocation of an unused join token; a joinNode with it is refused from then on. */
@CommandHandler(RevokeJoinTokenCommand)
export class RevokeJoinTokenHandler implements ICommandHandler<RevokeJoinTokenCommand> {
  constructor(private readonly streams: AclStreams) {}

  async execute({ tokenId, ctx }: RevokeJoinTokenCommand): Promise<void> {
    await this.streams.handle(
      streamIds.joinToken(tokenId),
      initialJoinTokenState,
      evolveJoinToken,
      (s) => decideJoinToken({ type: 'RevokeJoinToken', tokenId }, s),
      ctx,
    );
  }
}
