import { makeEvent } from '@mammoth/events';
import { spec } from '../testing/given-when-then';
import { CreateToken, decideToken, evolveToken, initialTokenState, tokenUsable } from './token';

const decider = { initialState: initialTokenState, evolve: evolveToken, decide: decideToken };
const HASH = 'c'.repeat(64);
const NOW = '2026-01-01T00:00:00.000Z';

function create(over: Partial<CreateToken> = {}): CreateToken {
  return {
    type: 'CreateToken',
    tokenId: 't1',
    subject: 'alice',
    policies: ['deployers'],
    secretHash: HASH,
    ttlMs: null,
    now: NOW,
    known: new Set(['admin', 'deployers']),
    ...over,
  };
}

const created = (expiresAt: string | null = null) =>
  makeEvent('TokenCreated', { tokenId: 't1', subject: 'alice', policies: ['deployers'], secretHash: HASH, expiresAt });

describe('token decider', () => {
  it('records a token with its expiry computed from the ttl', () => {
    spec(decider).given([]).when(create()).then([created()]);
    spec(decider)
      .given([])
      .when(create({ ttlMs: 60_000 }))
      .then([created('2026-01-01T00:01:00.000Z')]);
  });

  it.each([
    ['a bad subject', { subject: 'bad subject' }, 'INVALID_ARGUMENT', 'subject'],
    ['no policy', { policies: [] }, 'INVALID_ARGUMENT', 'policies'],
    ['a policy that does not exist', { policies: ['deployers', 'nope'] }, 'NOT_FOUND', 'policies[1]'],
    ['a ttl under a second', { ttlMs: 10 }, 'INVALID_ARGUMENT', 'ttlMs'],
  ] as const)('refuses %s, naming the field', (_label, over, code, field) => {
    spec(decider).given([]).when(create(over)).thenError(code, field);
  });

  it('refuses an id that exists', () => {
    spec(decider).given([created()]).when(create()).thenError('ALREADY_EXISTS', 'tokenId');
  });

  it('revokes once; a second revocation writes nothing; an unknown token is not found', () => {
    const revoke = { type: 'RevokeToken', tokenId: 't1' } as const;
    spec(decider)
      .given([created()])
      .when(revoke)
      .then([makeEvent('TokenRevoked', { tokenId: 't1' })]);
    spec(decider)
      .given([created(), makeEvent('TokenRevoked', { tokenId: 't1' })])
      .when(revoke)
      .then([]);
    spec(decider).given([]).when(revoke).thenError('NOT_FOUND', 'id');
  });

  it('is usable while active and before its expiry', () => {
    const state = evolveToken(initialTokenState(), created('2026-01-01T00:01:00.000Z'));
    expect(tokenUsable(state, Date.parse(NOW))).toBe(true);
    expect(tokenUsable(state, Date.parse('2026-01-01T00:01:00.000Z'))).toBe(false);
    expect(tokenUsable(evolveToken(state, makeEvent('TokenRevoked', { tokenId: 't1' })), Date.parse(NOW))).toBe(false);
  });
});
