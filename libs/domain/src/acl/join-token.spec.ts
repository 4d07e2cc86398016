import { makeEvent } from '@mammoth/events';
import { spec } from '../testing/given-when-then';
import {
  CreateJoinToken,
  decideEnrolment,
  decideJoinToken,
  Enrol,
  evolveEnrolment,
  evolveJoinToken,
  initialEnrolmentState,
  initialJoinTokenState,
} from './join-token';

const joinTokens = { initialState: initialJoinTokenState, evolve: evolveJoinToken, decide: decideJoinToken };
const enrolments = { initialState: initialEnrolmentState, evolve: evolveEnrolment, decide: decideEnrolment };
const HASH = 'a'.repeat(64);
const NOW = '2026-01-01T00:00:00.000Z';

const create = (over: Partial<CreateJoinToken> = {}): CreateJoinToken => ({
  type: 'CreateJoinToken',
  tokenId: 'j1',
  secretHash: HASH,
  ttlMs: 60_000,
  labels: { zone: 'a' },
  now: NOW,
  ...over,
});
const created = makeEvent('JoinTokenCreated', {
  tokenId: 'j1',
  secretHash: HASH,
  expiresAt: '2026-01-01T00:01:00.000Z',
  labels: { zone: 'a' },
});
const use = (now = NOW, nodeId = 'n1') =>
  ({ type: 'UseJoinToken', tokenId: 'j1', nodeId, credentialId: 'c1', now }) as const;
const used = makeEvent('JoinTokenUsed', { tokenId: 'j1', nodeId: 'n1', credentialId: 'c1' });

describe('join token decider', () => {
  it('records a join token with its expiry and labels, keeping only the hash', () => {
    spec(joinTokens).given([]).when(create()).then([created]);
  });

  it.each([
    ['no ttl to speak of', { ttlMs: 10 }, 'ttlMs'],
    ['a ttl over 30 days', { ttlMs: 31 * 24 * 3600 * 1000 }, 'ttlMs'],
    ['a bad label key', { labels: { 'a b': 'x' } }, 'labels.a b'],
    ['a bad label value', { labels: { zone: 'a,b' } }, 'labels.zone'],
  ] as const)('refuses %s, naming the field', (_label, over, field) => {
    spec(joinTokens).given([]).when(create(over)).thenError('INVALID_ARGUMENT', field);
  });

  it('is used once: a second use, a revoked or an expired token is refused, saying why', () => {
    spec(joinTokens).given([created]).when(use()).then([used]);
    expect(spec(joinTokens).given([created, used]).when(use()).thenError('FAILED_PRECONDITION').message).toMatch(
      /already used \(by node n1\)/,
    );
    const revoked = makeEvent('JoinTokenRevoked', { tokenId: 'j1' });
    expect(spec(joinTokens).given([created, revoked]).when(use()).thenError('FAILED_PRECONDITION').message).toMatch(
      /revoked/,
    );
    expect(
      spec(joinTokens).given([created]).when(use('2026-01-01T00:01:00.000Z')).thenError('FAILED_PRECONDITION').message,
    ).toMatch(/expired at 2026-01-01T00:01:00.000Z/);
    spec(joinTokens).given([created]).when(use(NOW, 'bad node')).thenError('INVALID_ARGUMENT', 'nodeId');
  });

  it('revokes an unused token once, refuses to revoke a used one and names the credential to revoke instead', () => {
    const revoke = { type: 'RevokeJoinToken', tokenId: 'j1' } as const;
    spec(joinTokens)
      .given([created])
      .when(revoke)
      .then([makeEvent('JoinTokenRevoked', { tokenId: 'j1' })]);
    spec(joinTokens)
      .given([created, makeEvent('JoinTokenRevoked', { tokenId: 'j1' })])
      .when(revoke)
      .then([]);
    expect(spec(joinTokens).given([created, used]).when(revoke).thenError('FAILED_PRECONDITION').message).toMatch(
      /credential c1/,
    );
    spec(joinTokens).given([]).when(revoke).thenError('NOT_FOUND', 'id');
  });
});

describe('enrolment decider', () => {
  const enrol = (usable: boolean, credentialId = 'c2'): Enrol => ({
    nodeId: 'n1',
    credentialId,
    joinTokenId: 'j2',
    labels: {},
    credentialUsable: () => usable,
  });
  const enrolled = makeEvent('NodeEnrolled', { nodeId: 'n1', credentialId: 'c1', joinTokenId: 'j1', labels: {} });

  it('binds a new node to its credential', () => {
    spec(enrolments)
      .given([])
      .when(enrol(true, 'c1'))
      .then([{ ...enrolled, data: { ...enrolled.data, joinTokenId: 'j2' } }]);
  });

  it('refuses to enrol a node whose credential still works, and enrols it again once that is revoked', () => {
    spec(enrolments).given([enrolled]).when(enrol(true)).thenError('FAILED_PRECONDITION', 'nodeId');
    spec(enrolments)
      .given([enrolled])
      .when(enrol(false))
      .then([makeEvent('NodeEnrolled', { nodeId: 'n1', credentialId: 'c2', joinTokenId: 'j2', labels: {} })]);
  });
});
