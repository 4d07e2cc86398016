import { AclEvent, makeEvent } from '@mammoth/events';
import { Decision, DomainError, exhaustive } from '../shared/errors';
import { checkInt, firstError } from '../shared/validation';

/** TokenInfo is what a token says about its caller; the secret's sha256 is all that is kept of the secret. */
export interface TokenInfo {
  readonly tokenId: string;
  readonly subject: string;
  readonly policies: readonly string[];
  readonly secretHash: string;
  readonly expiresAt: string | null;
}

/** TokenState is the fold of one token stream. */
export type TokenState =
  | { readonly status: 'absent' }
  | ({ readonly status: 'active' } & TokenInfo)
  | ({ readonly status: 'revoked' } & TokenInfo);

/** ActiveToken is a token that has not been revoked (it may still have expired). */
export type ActiveToken = Extract<TokenState, { status: 'active' }>;

/** CreateToken records a new token; `known` are the policy names that exist now, `now` the time the command came in. */
export interface CreateToken {
  readonly type: 'CreateToken';
  readonly tokenId: string;
  readonly subject: string;
  readonly policies: readonly string[];
  readonly secretHash: string;
  readonly ttlMs: number | null;
  readonly now: string;
  readonly known: ReadonlySet<string>;
}

/** TokenCommand creates or revokes a token. */
export type TokenCommand = CreateToken | { readonly type: 'RevokeToken'; readonly tokenId: string };

type TokenEvent = Extract<AclEvent, { type: 'TokenCreated' | 'TokenRevoked' }>;

/** SUBJECT is a caller's name: `alice`, `ci`, `node:<id>`. */
const SUBJECT = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/;
/** MAX_TTL_MS is the longest a token may live: ten years. */
const MAX_TTL_MS = 10 * 365 * 24 * 3600 * 1000;
const MAX_POLICIES = 32;

export const initialTokenState = (): TokenState => ({ status: 'absent' });

/** evolveToken folds one token event into the state; other acl events leave it as it is. */
export function evolveToken(state: TokenState, event: AclEvent): TokenState {
  switch (event.type) {
    case 'TokenCreated':
      return { status: 'active', ...event.data };
    case 'TokenRevoked':
      return state.status === 'absent' ? state : { ...state, status: 'revoked' };
    case 'PolicyPut':
    case 'PolicyDeleted':
    case 'AclBootstrapped':
    case 'JoinTokenCreated':
    case 'JoinTokenRevoked':
    case 'JoinTokenUsed':
    case 'NodeEnrolled':
      return state;
    default:
      return exhaustive(event);
  }
}

/** decideToken validates a creation (subject, policies that exist, ttl) or a revocation; revoking twice writes nothing. */
export function decideToken(cmd: TokenCommand, state: TokenState): Decision<TokenEvent> {
  switch (cmd.type) {
    case 'CreateToken': {
      if (state.status !== 'absent')
        return new DomainError('ALREADY_EXISTS', `tokenId: token ${cmd.tokenId} exists`, 'tokenId');
      const invalid = firstError(
        SUBJECT.test(cmd.subject)
          ? null
          : DomainError.invalid(
              'subject',
              `"${cmd.subject}" must be 1-128 letters, digits, '.', '_', ':', '@', '/', '-'`,
            ),
        cmd.policies.length === 0 || cmd.policies.length > MAX_POLICIES
          ? DomainError.invalid('policies', `must name 1 to ${MAX_POLICIES} policies`)
          : null,
        unknownPolicy(cmd.policies, cmd.known),
        cmd.ttlMs === null ? null : checkInt('ttlMs', cmd.ttlMs, 1000, MAX_TTL_MS),
      );
      if (invalid) return invalid;
      const expiresAt = cmd.ttlMs === null ? null : new Date(Date.parse(cmd.now) + cmd.ttlMs).toISOString();
      return [
        makeEvent('TokenCreated', {
          tokenId: cmd.tokenId,
          subject: cmd.subject,
          policies: [...new Set(cmd.policies)],
          secretHash: cmd.secretHash,
          expiresAt,
        }),
      ];
    }
    case 'RevokeToken':
      if (state.status === 'absent') return new DomainError('NOT_FOUND', `id: no token ${cmd.tokenId}`, 'id');
      return state.status === 'revoked' ? [] : [makeEvent('TokenRevoked', { tokenId: cmd.tokenId })];
    default:
      return exhaustive(cmd);
  }
}

function unknownPolicy(policies: readonly string[], known: ReadonlySet<string>): DomainError | null {
  const i = policies.findIndex((p) => !known.has(p));
  return i < 0
    ? null
    : new DomainError('NOT_FOUND', `policies[${i}]: no policy named ${policies[i]}`, `policies[${i}]`);
}

/** tokenUsable says whether a token may authenticate at `nowMs`: active and not expired. */
export function tokenUsable(state: TokenState, nowMs: number): boolean {
  return state.status === 'active' && (state.expiresAt === null || Date.parse(state.expiresAt) > nowMs);
}
