import { randomUUID } from 'node:crypto';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ActiveToken, decideToken, evolveToken, initialTokenState } from '@mammoth/domain';
import { streamIds } from '@mammoth/events';
import { AclCache } from '../../acl-cache';
import { AclStreams } from '../../acl-streams';
import { CreatedTokenModel } from '../../identity.model';
import { newToken } from '../../token-secret';
import { CreateTokenCommand } from './create-token.command';

/** CreateTokenHandler draws a token's id and secret, records the token with the secret's hash only, and shows the secret once. */
@CommandHandler(CreateTokenCommand)
export class CreateTokenHandler implements ICommandHandler<CreateTokenCommand> {
  constructor(
    private readonly streams: AclStreams,
    private readonly acl: AclCache,
  ) {}

  async execute({ input, ctx }: CreateTokenCommand): Promise<CreatedTokenModel> {
    const tokenId = randomUUID();
    const { token, secretHash } = newToken(tokenId);
    const command = { type: 'CreateToken', tokenId, secretHash, now: ctx.timestamp, ...input } as const;
    const state = (await this.streams.handle(
      streamIds.token(tokenId),
      initialTokenState,
      evolveToken,
      (s) => decideToken({ ...command, known: this.acl.policyNames() }, s),
      ctx,
    )) as ActiveToken;
    return {
      token: {
        id: tokenId,
        subject: state.subject,
        policies: [...state.policies],
        expiresAt: state.expiresAt ?? undefined,
        createdAt: ctx.timestamp,
        createdBy: ctx.actor,
      },
      secret: token,
    };
  }
}
