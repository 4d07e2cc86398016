import { bearerOf, hashSecret, newToken, parseToken, secretMatches } from './token-secret';

describe('token secrets', () => {
  it('hand out mmt_<id>_<secret> once and keep only the sha256 of the secret', () => {
    const { token, secretHash } = newToken('3b2c1a00-0000-4000-8000-000000000000');
    const parsed = parseToken(token)!;
    expect(parsed.tokenId).toBe('3b2c1a00-0000-4000-8000-000000000000');
    expect(secretHash).toBe(hashSecret(parsed.secret));
    expect(secretHash).not.toContain(parsed.secret);
    expect(secretMatches(parsed.secret, secretHash)).toBe(true);
    expect(
      secretMatches(
        parsed.secret.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
        secretHash,
      ),
    ).toBe(false);
  });

  it('read only well-formed bearer tokens', () => {
    expect(parseToken('mmt_abc_short')).toBeNull();
    expect(parseToken('Bearer x')).toBeNull();
    expect(bearerOf('Bearer mmt_x')).toBe('mmt_x');
    expect(bearerOf('bearer  mmt_x ')).toBe('mmt_x');
    expect(bearerOf('Basic abc')).toBeNull();
    expect(bearerOf(undefined)).toBeNull();
  });
});
