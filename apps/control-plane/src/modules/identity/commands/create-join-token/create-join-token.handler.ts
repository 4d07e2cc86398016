import { randomUUID } from 'node:crypto';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { decideJoinToken, evolveJoinToken, initialJoinTokenState, JoinTokenInfo } from '@mammoth/domain';
import { streamIds } from '@mammoth/events';
import { AclStreams } from '../../acl-streams';
import { CreatedJoinTokenModel } from '../../identity.model';
import { newJoinToken } from '../../token-secret';
import { CreateJoinTokenCommand } from './create-join-token.command';

/** CreateJoinTokenHandler records a join token (only its secret's hash) and returns the secret, this once. */
@CommandHandler(CreateJoinTokenCommand)
export class CreateJoinTokenHandler implements ICommandHandler<CreateJoinTokenCommand> {
  constructor(private readonly streams: AclStreams) {}

  async execute({ ttlMs, labels, ctx }: CreateJoinTokenCommand): Promise<CreatedJoinTokenModel> {
    const tokenId = randomUUID();
    const { token, secretHash } = newJoinToken(tokenId);
    const state = (await this.streams.handle(
      streamIds.joinToken(tokenId),
      initialJoinTokenState,
      evolveJoinToken,
      (s) => decideJoinToken({ type: 'CreateJoinToken', tokenId, secretHash, ttlMs, labels, now: ctx.timestamp }, s),
      ctx,
    )) as JoinTokenInfo;
    return {
      joinToken: {
        id: tokenId,
        expiresAt: state.expiresAt,
        labels: Object.entries(state.labels).map(([key, value]) => ({ key, value })),
        createdAt: ctx.timestamp,
        createdBy: ctx.actor,
      },
      secret: token,
    };
  }
}
