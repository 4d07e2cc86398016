import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** TOKEN_PREFIX starts every Mammoth API token, `mmt_<tokenId>_<secret>`; JOIN_PREFIX every node join token. */
const TOKEN_PREFIX = 'mmt_';
const JOIN_PREFIX = 'mmj_';
const TOKEN = /^mmt_([0-9a-f-]{1,64})_([A-Za-z0-9_-]{43})$/;
const JOIN_TOKEN = /^mmj_([0-9a-f-]{1,64})_([A-Za-z0-9_-]{43})$/;

/** hashSecret is the sha256 (hex) of a token's secret, the only form in which the secret is kept. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** newToken draws a 32-byte secret for a token id and returns the token to hand out once and the hash to record. */
export function newToken(tokenId: string, prefix = TOKEN_PREFIX): { token: string; secretHash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { token: `${prefix}${tokenId}_${secret}`, secretHash: hashSecret(secret) };
}

/** newJoinToken draws a node join token (`mmj_<id>_<secret>`) and the hash to record. */
export function newJoinToken(tokenId: string): { token: string; secretHash: string } {
  return newToken(tokenId, JOIN_PREFIX);
}

/** parseToken splits a presented token into its id and secret, or null when it is not a Mammoth token. */
export function parseToken(token: string, pattern = TOKEN): { tokenId: string; secret: string } | null {
  const m = pattern.exec(token);
  return m ? { tokenId: m[1], secret: m[2] } : null;
}

/** parseJoinToken splits a presented join token into its id and secret, or null when it is not one. */
export function parseJoinToken(token: string): { tokenId: string; secret: string } | null {
  return parseToken(token.trim(), JOIN_TOKEN);
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
