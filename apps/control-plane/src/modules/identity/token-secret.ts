import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** TOKEN_PREFIX starts every Mammoth API token: `mmt_<tokenId>_<secret>`. */
const TOKEN_PREFIX = 'mmt_';
const TOKEN = /^mmt_([0-9a-f-]{1,64})_([A-Za-z0-9_-]{43})$/;

/** hashSecret is the sha256 (hex) of a token's secret, the only form in which the secret is kept. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** newToken draws a 32-byte secret for a token id and returns the token to hand out once and the hash to record. */
export function newToken(tokenId: string): { token: string; secretHash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { token: `${TOKEN_PREFIX}${tokenId}_${secret}`, secretHash: hashSecret(secret) };
}

/** parseToken splits a presented token into its id and secret, or null when it is not a Mammoth token. */
export function parseToken(token: string): { tokenId: string; secret: string } | null {
  const m = TOKEN.exec(token);
  return m ? { tokenId: m[1], secret: m[2] } : null;
}

/** secretMatches compares a presented secret with a recorded hash in constant time. */
export function secretMatches(secret: string, secretHash: string): boolean {
  const given = Buffer.from(hashSecret(secret), 'hex');
  const kept = Buffer.from(secretHash, 'hex');
  return given.length === kept.length && timingSafeEqual(given, kept);
}

/** bearerOf reads the token from an `Authorization: Bearer <token>` value, or null. */
export function bearerOf(authorization: unknown): string | null {
  if (typeof authorization !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return m ? m[1] : null;
}
