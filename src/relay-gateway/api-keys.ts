import { createHash, timingSafeEqual } from 'node:crypto';
import { TID } from '../relay/topics';

// The POS platforms' keys at the gateway (RELAY_API_KEYS), each allowed all terminals or some: TIDs,
// or TID prefixes ending in `*`. `key-of-a,key-of-b:10000001|10000002,key-of-c:2000*` (docs/relay.md).

export const API_KEY_MIN_LENGTH = 32;
const KEY = /^[A-Za-z0-9._~+/-]+$/;
const PREFIX = /^\d{1,7}\*$/;

/** Which terminals a key may reach. */
export interface Scope {
  /** Undefined: every terminal. */
  tids?: ReadonlySet<string>;
  prefixes?: readonly string[];
}

export const allows = (scope: Scope, tid: string): boolean =>
  scope.tids === undefined && scope.prefixes === undefined ? true : (scope.tids?.has(tid) ?? false) || (scope.prefixes?.some((p) => tid.startsWith(p)) ?? false);

/** The keys of RELAY_API_KEYS's entries, each with its scope; throws with every problem named (never the key itself). */
export function parseApiKeys(entries: readonly string[]): { key: string; scope: Scope }[] {
  const problems: string[] = [];
  const keys = entries.map((entry, i) => {
    const [key = '', scopeText] = entry.split(':', 2);
    if (key.length < API_KEY_MIN_LENGTH || !KEY.test(key))
      problems.push(`key ${i + 1} must be at least ${API_KEY_MIN_LENGTH} characters of A-Z a-z 0-9 . _ ~ + / - (a random one: openssl rand -base64 33)`);
    if (scopeText === undefined) return { key, scope: {} };
    const parts = scopeText.split('|');
    const bad = parts.filter((p) => !TID.test(p) && !PREFIX.test(p));
    if (bad.length > 0 || scopeText === '') problems.push(`key ${i + 1}'s terminals must be 8-digit TIDs or prefixes ending in *, separated by |`);
    return { key, scope: { tids: new Set(parts.filter((p) => TID.test(p))), prefixes: parts.filter((p) => PREFIX.test(p)).map((p) => p.slice(0, -1)) } };
  });
  if (problems.length > 0) throw new Error(problems.join('; '));
  return keys;
}

const hash = (key: string) => createHash('sha256').update(key).digest();

/** The keys, held as hashes: a presented key is compared with every one in constant time. */
export class KeyRing {
  private readonly keys: { hash: Buffer; scope: Scope }[];

  constructor(entries: readonly string[]) {
    this.keys = parseApiKeys(entries).map(({ key, scope }) => ({ hash: hash(key), scope }));
  }

  get open(): boolean {
    return this.keys.length === 0;
  }

  /** The scope of the key sent, or undefined for a wrong or missing key; every terminal when the ring is open (--open). */
  scopeOf(sent: string | string[] | undefined): Scope | undefined {
    if (this.open) return {};
    if (typeof sent !== 'string' || sent.length === 0) return undefined;
    const h = hash(sent);
    let found: Scope | undefined;
    for (const k of this.keys) if (timingSafeEqual(k.hash, h)) found = k.scope;
    return found;
  }
}
