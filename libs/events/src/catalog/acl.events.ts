import { z } from 'zod';
import { defineEvent } from './define';
import { PolicyRuleSchema } from './shared';

/** SHA256_HEX is a token secret's hash as stored: the secret itself never enters an event. */
const SHA256_HEX = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 hex digest');

/** TokenCreated records an API token: its subject, policies, expiry and the sha256 of its secret. */
export const TokenCreated = defineEvent(
  'acl',
  'TokenCreated',
  z.object({
    tokenId: z.string().min(1),
    subject: z.string().min(1),
    policies: z.array(z.string().min(1)),
    secretHash: SHA256_HEX,
    expiresAt: z.string().datetime().nullable(),
  }),
);

/** TokenRevoked ends a token for good. */
export const TokenRevoked = defineEvent('acl', 'TokenRevoked', z.object({ tokenId: z.string().min(1) }));

/** PolicyPut creates or replaces a named policy with its rules. */
export const PolicyPut = defineEvent(
  'acl',
  'PolicyPut',
  z.object({ name: z.string().min(1), rules: z.array(PolicyRuleSchema).min(1) }),
);

/** PolicyDeleted removes a named policy; tokens naming it keep their other policies. */
export const PolicyDeleted = defineEvent('acl', 'PolicyDeleted', z.object({ name: z.string().min(1) }));

/** AclBootstrapped records that the first admin token was made, so a second bootstrap is refused. */
export const AclBootstrapped = defineEvent('acl', 'AclBootstrapped', z.object({ tokenId: z.string().min(1) }));

/** JoinTokenCreated records a one-time join token (only its secret's sha256), its expiry and the labels its node gets. */
export const JoinTokenCreated = defineEvent(
  'acl',
  'JoinTokenCreated',
  z.object({
    tokenId: z.string().min(1),
    secretHash: SHA256_HEX,
    expiresAt: z.string().datetime(),
    labels: z.record(z.string(), z.string()),
  }),
);

/** JoinTokenRevoked ends an unused join token for good. */
export const JoinTokenRevoked = defineEvent('acl', 'JoinTokenRevoked', z.object({ tokenId: z.string().min(1) }));

/** JoinTokenUsed records that a join token was consumed by a node's enrolment; a second use is refused. */
export const JoinTokenUsed = defineEvent(
  'acl',
  'JoinTokenUsed',
  z.object({ tokenId: z.string().min(1), nodeId: z.string().min(1), credentialId: z.string().min(1) }),
);

/**
 * NodeEnrolled binds a node id to its credential (a token of subject `node:<id>`) and the labels of the join token it
 * used: from then on only that identity may register or report as the node.
 */
export const NodeEnrolled = defineEvent(
  'acl',
  'NodeEnrolled',
  z.object({
    nodeId: z.string().min(1),
    credentialId: z.string().min(1),
    joinTokenId: z.string().min(1),
    labels: z.record(z.string(), z.string()),
  }),
);
