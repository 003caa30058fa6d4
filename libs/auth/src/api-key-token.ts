import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A bearer token is `slk_<id>_<secret>`: the id finds the stored key, the secret proves
 * possession. Only SHA-256(secret) is stored; the secret has 256 random bits, so a fast
 * hash is enough (no password-style stretching is needed for a random secret).
 */
const TOKEN = /^slk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface IssuedToken {
  id: string;
  secretHash: Buffer;
  token: string;
}

export function issueToken(): IssuedToken {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, secretHash: sha256(secret), token: `slk_${id}_${secret}` };
}

/** Splits a presented token; null when it is not shaped like one of ours. */
export function parseToken(token: string): { id: string; secret: string } | null {
  const match = TOKEN.exec(token);
  return match ? { id: match[1]!, secret: match[2]! } : null;
}

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Constant-time comparison of a presented secret with a stored hash (or a configured secret's hash). */
export function secretMatches(presented: string, expectedHash: Buffer): boolean {
  const actual = sha256(presented);
  return actual.length === expectedHash.length && timingSafeEqual(actual, expectedHash);
}
