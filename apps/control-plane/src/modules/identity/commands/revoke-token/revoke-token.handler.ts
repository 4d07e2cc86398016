import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { decideToken, evolveToken, initialTokenState } from '@mammoth/domain';
import { streamIds } from '@mammoth/events';
import { AclStreams } from '../../acl-streams';
import { RevokeTokenCommand } from './revoke-token.command';

/** RevokeTokenHandler records the revocation; this control plane refuses the token at once, the others within a second. */
@CommandHandler(RevokeTokenCommand)
export class RevokeTokenHandler implements ICommandHandler<RevokeTokenCommand> {
  constructor(private readonly streams: AclStreams) {}

  async execute({ tokenId, ctx }: RevokeTokenCommand): Promise<void> {
    await this.streams.handle(
      streamIds.token(tokenId),
      initialTokenState,
      evolveToken,
      (s) => decideToken({ type: 'RevokeToken', tokenId }, s),
      ctx,
    );
  }
}
