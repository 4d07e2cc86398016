import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessGuard } from '../../common/access/access.guard';
import { AclCache } from './acl-cache';
import { AclStreams } from './acl-streams';
import { CreateTokenHandler } from './commands/create-token/create-token.handler';
import { CreateTokenResolver } from './commands/create-token/create-token.resolver';
import { DeletePolicyHandler } from './commands/delete-policy/delete-policy.handler';
import { DeletePolicyResolver } from './commands/delete-policy/delete-policy.resolver';
import { PutPolicyHandler } from './commands/put-policy/put-policy.handler';
import { PutPolicyResolver } from './commands/put-policy/put-policy.resolver';
import { RevokeTokenHandler } from './commands/revoke-token/revoke-token.handler';
import { RevokeTokenResolver } from './commands/revoke-token/revoke-token.resolver';
import { PoliciesResolver } from './queries/policies/policies.resolver';
import { TokensResolver } from './queries/tokens/tokens.resolver';
import { WhoamiResolver } from './queries/whoami/whoami.resolver';

/**
 * IdentityModule is who may do what: the tokens and policies (their mutations and queries), the AclCache that verifies
 * tokens from the log, and the AccessGuard every API method goes through.
 */
@Global()
@Module({
  providers: [
    AclCache,
    AclStreams,
    { provide: APP_GUARD, useClass: AccessGuard },
    CreateTokenHandler,
    CreateTokenResolver,
    RevokeTokenHandler,
    RevokeTokenResolver,
    PutPolicyHandler,
    PutPolicyResolver,
    DeletePolicyHandler,
    DeletePolicyResolver,
    TokensResolver,
    PoliciesResolver,
    WhoamiResolver,
  ],
  exports: [AclCache],
})
export class IdentityModule {}
