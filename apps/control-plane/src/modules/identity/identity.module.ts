import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessGuard } from '../../common/access/access.guard';
import { AUTHORIZERS } from '../../common/access/authorizer';
import { AclCache } from './acl-cache';
import { AclStreams } from './acl-streams';
import { CreateJoinTokenHandler } from './commands/create-join-token/create-join-token.handler';
import { CreateJoinTokenResolver } from './commands/create-join-token/create-join-token.resolver';
import { JoinNodeHandler } from './commands/join-node/join-node.handler';
import { JoinNodeResolver } from './commands/join-node/join-node.resolver';
import { RevokeJoinTokenHandler } from './commands/revoke-join-token/revoke-join-token.handler';
import { RevokeJoinTokenResolver } from './commands/revoke-join-token/revoke-join-token.resolver';
import { NodeRestriction } from './node-restriction';
import { JoinTokensResolver } from './queries/join-tokens/join-tokens.resolver';
import { CreateTokenHandler } from './commands/create-token/create-token.handler';
import { CreateTokenResolver } from './commands/create-token/create-token.resolver';
import { DeletePolicyHandler } from './commands/delete-policy/delete-policy.handler';
import { DeletePolicyResolver } from './commands/delete-policy/delete-policy.resolver';
import { PutPolicyHandler } from './commands/put-policy/put-policy.handler';
import { PutPolicyResolver } from './commands/put-policy/put-policy.resolver';
import { RevokeTokenHandler } from './commands/revoke-token/revoke-token.handler';
import { RevokeTokenResolver } from './commands/revoke-token/revoke-token.resolver';
import { CanIResolver } from './queries/can-i/can-i.resolver';
import { PoliciesResolver } from './queries/policies/policies.resolver';
import { TokensResolver } from './queries/tokens/tokens.resolver';
import { WhoamiResolver } from './queries/whoami/whoami.resolver';

/**
 * IdentityModule is who may do what: the tokens, policies and node join tokens (their mutations and queries), node
 * enrolment (joinNode), the AclCache that verifies tokens from the log, and the AccessGuard every API method goes through
 * with its NodeRestriction.
 */
@Global()
@Module({
  providers: [
    AclCache,
    AclStreams,
    NodeRestriction,
    { provide: AUTHORIZERS, inject: [NodeRestriction], useFactory: (n: NodeRestriction) => [n] },
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
    CreateJoinTokenHandler,
    CreateJoinTokenResolver,
    RevokeJoinTokenHandler,
    RevokeJoinTokenResolver,
    JoinNodeHandler,
    JoinNodeResolver,
    JoinTokensResolver,
    CanIResolver,
  ],
  exports: [AclCache],
})
export class IdentityModule {}
