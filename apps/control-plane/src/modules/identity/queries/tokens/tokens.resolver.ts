import { Query, Resolver } from '@nestjs/graphql';
import { Pool } from 'pg';
import { Requires } from '@mammoth/platform';
import { listTokens } from '@mammoth/read-models';
import { TokenModel } from '../../identity.model';

/** TokensResolver lists tokens from the tokens read model; no secret or hash is ever served. */
@Resolver(() => TokenModel)
export class TokensResolver {
  constructor(private readonly pool: Pool) {}

  @Query(() => [TokenModel], { description: 'Every token, revoked ones included, from the tokens read model.' })
  @Requires('tokens:read')
  async tokens(): Promise<TokenModel[]> {
    return (await listTokens(this.pool)).map((t) => ({
      id: t.token_id,
      subject: t.subject,
      policies: t.policies,
      expiresAt: t.expires_at ?? undefined,
      createdAt: t.created_at,
      createdBy: t.created_by,
      revokedAt: t.revoked_at ?? undefined,
    }));
  }
}
