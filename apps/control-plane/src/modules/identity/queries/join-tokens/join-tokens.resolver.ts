import { Query, Resolver } from '@nestjs/graphql';
import { Pool } from 'pg';
import { Requires } from '@mammoth/platform';
import { listJoinTokens } from '@mammoth/read-models';
import { JoinTokenModel } from '../../identity.model';

/** JoinTokensResolver lists node join tokens from their read model; no secret or hash is ever served. */
@Resolver(() => JoinTokenModel)
export class JoinTokensResolver {
  constructor(private readonly pool: Pool) {}

  @Query(() => [JoinTokenModel], {
    description: 'Every node join token, used and revoked ones included, from the join tokens read model.',
  })
  @Requires('tokens:read')
  async joinTokens(): Promise<JoinTokenModel[]> {
    return (await listJoinTokens(this.pool)).map((t) => ({
      id: t.token_id,
      expiresAt: t.expires_at,
      labels: Object.entries(t.labels).map(([key, value]) => ({ key, value })),
      createdAt: t.created_at,
      createdBy: t.created_by,
      revokedAt: t.revoked_at ?? undefined,
      usedAt: t.used_at ?? undefined,
      nodeId: t.node_id ?? undefined,
      credentialId: t.credential_id ?? undefined,
    }));
  }
}
