import { createHash, timingSafeEqual } from 'node:crypto';
import type { IdGenerator } from '../shared/ids';

// A token is "<selector>.<secret>". The selector finds the register; only SHA-256 of the secret is
// stored, and it is compared in constant time. 256 random bits make a slow hash unnecessary.

export interface IssuedToken {
  token: string;
  selector: string;
  hash: Buffer;
}

export const hashSecret = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();

export function issueToken(ids: IdGenerator): IssuedToken {
  const selector = ids.tokenSelector();
  const secret = ids.tokenSecret();
  return { token: `${selector}.${secret}`, selector, hash: hashSecret(secret) };
}

export function splitToken(token: string): { selector: string; secret: string } | undefined {
  const m = /^([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return m ? { selector: m[1]!, secret: m[2]! } : undefined;
}

const DUMMY_HASH = hashSecret('no such token');

/** Constant-time check of a presented secret against a stored hash (a dummy when there is none). */
export function secretMatches(secret: string, stored: Buffer | undefined): boolean {
  const ok = timingSafeEqual(hashSecret(secret), stored ?? DUMMY_HASH);
  return ok && stored !== undefined;
}

/** "Bearer <token>" or the raw token, as Paynt sends it. */
export function tokenFromHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^\s*(?:Bearer\s+)?(\S+)\s*$/i.exec(header);
  return m?.[1];
}
