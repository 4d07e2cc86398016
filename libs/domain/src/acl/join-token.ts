import { AclEvent, makeEvent } from '@mammoth/events';
import { checkNodeId } from '../node/node';
import { Decision, DomainError, exhaustive } from '../shared/errors';
import { checkInt, firstError } from '../shared/validation';

/** JoinTokenInfo is what is kept of a join token: the sha256 of its secret, its expiry and the labels its node gets. */
export interface JoinTokenInfo {
  readonly tokenId: string;
  readonly secretHash: string;
  readonly expiresAt: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** JoinTokenState is the fold of one join token stream: unused, revoked, or used by a node's enrolment. */
export type JoinTokenState =
  | { readonly status: 'absent' }
  | ({ readonly status: 'active' | 'revoked' } & JoinTokenInfo)
  | ({ readonly status: 'used'; readonly nodeId: string; readonly credentialId: string } & JoinTokenInfo);

/** CreateJoinToken records a new join token that lives `ttlMs` from `now`. */
export interface CreateJoinToken {
  readonly type: 'CreateJoinToken';
  readonly tokenId: string;
  readonly secretHash: string;
  readonly ttlMs: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly now: string;
}

/** UseJoinToken consumes a join token for a node's enrolment, which gets the credential `credentialId`. */
export interface UseJoinToken {
  readonly type: 'UseJoinToken';
  readonly tokenId: string;
  readonly nodeId: string;
  readonly credentialId: string;
  readonly now: string;
}

/** JoinTokenCommand creates, revokes or uses a join token. */
export type JoinTokenCommand =
  CreateJoinToken | UseJoinToken | { readonly type: 'RevokeJoinToken'; readonly tokenId: string };

type JoinTokenEvent = Extract<AclEvent, { type: 'JoinTokenCreated' | 'JoinTokenRevoked' | 'JoinTokenUsed' }>;

/** MAX_JOIN_TTL_MS is the longest a join token may wait for its node: 30 days. */
const MAX_JOIN_TTL_MS = 30 * 24 * 3600 * 1000;
const MAX_LABELS = 32;
const LABEL_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$/;

export const initialJoinTokenState = (): JoinTokenState => ({ status: 'absent' });

/** evolveJoinToken folds one join token event into the state; other acl events leave it as it is. */
export function evolveJoinToken(state: JoinTokenState, event: AclEvent): JoinTokenState {
  switch (event.type) {
    case 'JoinTokenCreated':
      return { status: 'active', ...event.data };
    case 'JoinTokenRevoked':
      return state.status === 'active' ? { ...state, status: 'revoked' } : state;
    case 'JoinTokenUsed':
      return state.status === 'active'
        ? { ...state, status: 'used', nodeId: event.data.nodeId, credentialId: event.data.credentialId }
        : state;
    case 'TokenCreated':
    case 'TokenRevoked':
    case 'PolicyPut':
    case 'PolicyDeleted':
    case 'AclBootstrapped':
    case 'NodeEnrolled':
      return state;
    default:
      return exhaustive(event);
  }
}

/** checkLabels validates the labels a join token gives its node, naming the first bad one as `labels.<key>`. */
function checkLabels(labels: Readonly<Record<string, string>>): DomainError | null {
  const entries = Object.entries(labels);
  if (entries.length > MAX_LABELS) return DomainError.invalid('labels', `at most ${MAX_LABELS} labels`);
  for (const [key, value] of entries) {
    if (!LABEL_KEY.test(key))
      return DomainError.invalid(`labels.${key}`, "a key is 1-63 letters, digits, '.', '_', '/' or '-'");
    if (value.length > 63 || /[,=\s]/.test(value))
      return DomainError.invalid(`labels.${key}`, 'a value is at most 63 characters, without spaces, commas or =');
  }
  return null;
}

/**
 * decideJoinToken validates a creation (a ttl up to 30 days, labels), a revocation (of an unused token; twice writes
 * nothing) or a use, which is refused once the token is used, revoked or expired, naming why.
 */
export function decideJoinToken(cmd: JoinTokenCommand, state: JoinTokenState): Decision<JoinTokenEvent> {
  switch (cmd.type) {
    case 'CreateJoinToken': {
      if (state.status !== 'absent')
        return new DomainError('ALREADY_EXISTS', `tokenId: join token ${cmd.tokenId} exists`, 'tokenId');
      const invalid = firstError(checkInt('ttlMs', cmd.ttlMs, 1000, MAX_JOIN_TTL_MS), checkLabels(cmd.labels));
      if (invalid) return invalid;
      const expiresAt = new Date(Date.parse(cmd.now) + cmd.ttlMs).toISOString();
      return [
        makeEvent('JoinTokenCreated', {
          tokenId: cmd.tokenId,
          secretHash: cmd.secretHash,
          expiresAt,
          labels: { ...cmd.labels },
        }),
      ];
    }
    case 'RevokeJoinToken':
      switch (state.status) {
        case 'absent':
          return new DomainError('NOT_FOUND', `id: no join token ${cmd.tokenId}`, 'id');
        case 'used':
          return new DomainError(
            'FAILED_PRECONDITION',
            `id: join token ${cmd.tokenId} was used by node ${state.nodeId}; revoke its credential ${state.credentialId}`,
            'id',
          );
        case 'revoked':
          return [];
        case 'active':
          return [makeEvent('JoinTokenRevoked', { tokenId: cmd.tokenId })];
        default:
          return exhaustive(state);
      }
    case 'UseJoinToken': {
      const refused = (why: string) => new DomainError('FAILED_PRECONDITION', `joinToken: ${why}`, 'joinToken');
      if (state.status === 'absent') return refused('the join token is not valid');
      if (state.status === 'used')
        return refused(`join token ${state.tokenId} was already used (by node ${state.nodeId})`);
      if (state.status === 'revoked') return refused(`join token ${state.tokenId} is revoked`);
      if (Date.parse(state.expiresAt) <= Date.parse(cmd.now))
        return refused(`join token ${state.tokenId} expired at ${state.expiresAt}`);
      const invalid = checkNodeId('nodeId', cmd.nodeId);
      if (invalid) return invalid;
      return [makeEvent('JoinTokenUsed', { tokenId: cmd.tokenId, nodeId: cmd.nodeId, credentialId: cmd.credentialId })];
    }
    default:
      return exhaustive(cmd);
  }
}

/** EnrolmentState is the fold of one node id's enrolment stream: its current credential, if it was ever enrolled. */
export type EnrolmentState =
  | { readonly status: 'none' }
  | {
      readonly status: 'enrolled';
      readonly nodeId: string;
      readonly credentialId: string;
      readonly labels: Readonly<Record<string, string>>;
    };

/** Enrol binds a node id to a new credential; `credentialUsable` says whether the node's current one still works. */
export interface Enrol {
  readonly nodeId: string;
  readonly credentialId: string;
  readonly joinTokenId: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly credentialUsable: (credentialId: string) => boolean;
}

export const initialEnrolmentState = (): EnrolmentState => ({ status: 'none' });

/** evolveEnrolment folds NodeEnrolled; other acl events leave the state as it is. */
export function evolveEnrolment(state: EnrolmentState, event: AclEvent): EnrolmentState {
  if (event.type !== 'NodeEnrolled') return state;
  const { nodeId, credentialId, labels } = event.data;
  return { status: 'enrolled', nodeId, credentialId, labels };
}

/**
 * decideEnrolment binds a node id to a new credential; a node whose credential still works cannot be enrolled again (a
 * join token cannot take over a running node): its credential must be revoked first.
 */
export function decideEnrolment(
  cmd: Enrol,
  state: EnrolmentState,
): Decision<Extract<AclEvent, { type: 'NodeEnrolled' }>> {
  const invalid = checkNodeId('nodeId', cmd.nodeId);
  if (invalid) return invalid;
  if (state.status === 'enrolled' && cmd.credentialUsable(state.credentialId))
    return new DomainError(
      'FAILED_PRECONDITION',
      `nodeId: node ${cmd.nodeId} is enrolled with credential ${state.credentialId}; revoke it (revokeToken) to enrol the node again`,
      'nodeId',
    );
  const { nodeId, credentialId, joinTokenId, labels } = cmd;
  return [makeEvent('NodeEnrolled', { nodeId, credentialId, joinTokenId, labels: { ...labels } })];
}
