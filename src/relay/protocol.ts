// What travels on the relay's topics, as JSON payloads. A request carries an HTTP request to the terminal's
// API; an answer carries the HTTP answer, its body byte for byte as the terminal's HTTPS port would send it.

/** The header list of an answer, name then value, as Node writes it. */
export type HeaderList = string[];

export interface RelayRequest {
  /** HTTP method. */
  m: string;
  /** Path and query, from the API's base path on: `/payntpos/1.0.0/transaction?uti=…`. */
  u: string;
  /** Request headers, lower-case names (authorization goes through untouched). */
  h: Record<string, string>;
  /** The body, as sent (UTF-8 text), when there is one. */
  b?: string;
  /** The POS's address as the gateway saw it: the terminal's audit origin and rate-limit key. */
  o?: string;
}

export interface RelayAnswer {
  s: number;
  h: HeaderList;
  b: string;
}

export interface Presence {
  tid: string;
  online: boolean;
  /** When the terminal was last known to be connected (ISO 8601), null when never. */
  lastSeen: string | null;
}

/** Headers, body and all: a request larger than this is refused by the gateway (413) and dropped by the terminal. */
export const RELAY_REQUEST_LIMIT_BYTES = 32 * 1024;
/** The terminal's answers are small (a status, a receipt, a page of search results); a generous ceiling. */
export const RELAY_ANSWER_LIMIT_BYTES = 1024 * 1024;

/**
 * The headers of a terminal's answer that a gateway passes on: those eposd's HTTPS port sends (helmet's
 * security headers, Cache-Control, the answer's own), and the relay's signature. Anything else a terminal
 * might send (Set-Cookie, CORS) is dropped. test/unit/relay-answer-headers.test.ts holds it to eposd's.
 */
export const RELAYED_ANSWER_HEADERS: ReadonlySet<string> = new Set([
  'content-security-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
  'cache-control',
  'content-type',
  'allow',
  'retry-after',
  'ratelimit',
  'ratelimit-policy',
  'x-eposd-answer-signature',
]);

const isString = (v: unknown): v is string => typeof v === 'string';

/** A request read from a payload, or undefined for anything that is not one (dropped, never answered). */
export function readRequest(payload: Buffer): RelayRequest | undefined {
  if (payload.length > RELAY_REQUEST_LIMIT_BYTES) return undefined;
  let v: Partial<RelayRequest>;
  try {
    v = JSON.parse(payload.toString('utf8')) as Partial<RelayRequest>;
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null || !isString(v.m) || !isString(v.u) || typeof v.h !== 'object' || v.h === null) return undefined;
  if (v.b !== undefined && !isString(v.b)) return undefined;
  if (!Object.values(v.h).every(isString)) return undefined;
  return { m: v.m, u: v.u, h: v.h, b: v.b, o: isString(v.o) ? v.o.slice(0, 64) : undefined };
}

export function readAnswer(payload: Buffer): RelayAnswer | undefined {
  if (payload.length > RELAY_ANSWER_LIMIT_BYTES) return undefined;
  try {
    const v = JSON.parse(payload.toString('utf8')) as Partial<RelayAnswer>;
    if (typeof v.s !== 'number' || !Array.isArray(v.h) || !v.h.every(isString) || !isString(v.b)) return undefined;
    return { s: v.s, h: v.h, b: v.b };
  } catch {
    return undefined;
  }
}

export function readPresence(payload: Buffer): Partial<Presence> | undefined {
  try {
    const v = JSON.parse(payload.toString('utf8')) as Partial<Presence>;
    return typeof v === 'object' && v !== null ? v : undefined;
  } catch {
    return undefined;
  }
}
