import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';

// What travels on the relay's topics, as JSON payloads. A request carries an HTTP request to the terminal's
// API; an answer carries the HTTP answer, its body byte for byte as the terminal's HTTPS port would send it.
// On the wire each field of a request or an answer is one letter, as deployed gateways and terminals send
// it (the topics' version, v1, would change with them); in the code each has the name its description starts with.

/** The header list of an answer, name then value, as Node writes it. */
export type HeaderList = string[];

/** A request on its topic: `{m, u, h, b, o}`. Other fields are ignored. */
export const WireRequest = Type.Object(
  {
    m: Type.String({ description: 'method: the HTTP method' }),
    u: Type.String({ description: "url: path and query, from the API's base path on (`/payntpos/1.0.0/transaction?uti=…`)" }),
    h: Type.Record(Type.String(), Type.String(), { description: "headers: the request's headers, lower-case names (with the POS's signature)" }),
    b: Type.Optional(Type.String({ description: 'body: as sent (UTF-8 text), when there is one' })),
    o: Type.Optional(Type.String({ description: "origin: the POS's address as the gateway saw it (the terminal's audit origin and rate-limit key; 64 characters kept)" })),
  },
  { $id: 'RelayRequest' },
);

/** An answer on a gateway's response topic: `{s, h, b}`. */
export const WireAnswer = Type.Object(
  {
    s: Type.Number({ description: "status: the answer's HTTP status" }),
    h: Type.Array(Type.String(), { description: "headers: the answer's header list, name then value (with the terminal's signature)" }),
    b: Type.String({ description: "body: the answer's body text" }),
  },
  { $id: 'RelayAnswer' },
);

/** A terminal's retained presence: `{tid, online, lastSeen}`. */
export const PresenceSchema = Type.Object(
  {
    tid: Type.Optional(Type.String({ description: "tid: the terminal's TID (a gateway believes the topic's)" })),
    online: Type.Boolean({ description: 'online: whether the terminal is connected to the broker' }),
    lastSeen: Type.Union([Type.String(), Type.Null()], { description: 'lastSeen: when the terminal was last known to be connected (ISO 8601), null when never' }),
  },
  { $id: 'Presence' },
);

/** Beside the presence, retained: `{lastSeen}`, which the last will never replaces. */
export const SeenSchema = Type.Object({ lastSeen: Type.String({ description: 'lastSeen: when the terminal was last known to be connected (ISO 8601)' }) }, { $id: 'Seen' });

/** A request to the terminal's API, as the code reads it. */
export interface RelayRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  origin?: string;
}

/** The terminal's HTTP answer, as the code reads it. */
export interface RelayAnswer {
  status: number;
  headers: HeaderList;
  body: string;
}

/** A terminal's presence as a gateway keeps it: the TID always there (from the topic). */
export type Presence = Required<Static<typeof PresenceSchema>>;
export type Seen = Static<typeof SeenSchema>;

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

/** The parsed JSON of a payload when the schema's compiled check passes it; undefined otherwise. */
function reader<T extends TSchema>(schema: T, limit: number): (payload: Buffer) => Static<T> | undefined {
  const check = TypeCompiler.Compile(schema);
  return (payload) => {
    if (payload.length > limit) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(payload.toString('utf8'));
    } catch {
      return undefined;
    }
    return check.Check(value) ? value : undefined;
  };
}

const readWireRequest = reader(WireRequest, RELAY_REQUEST_LIMIT_BYTES);
const readWireAnswer = reader(WireAnswer, RELAY_ANSWER_LIMIT_BYTES);
/** A presence read from its payload; undefined for one that is not in its shape. */
export const readPresence = reader(PresenceSchema, RELAY_ANSWER_LIMIT_BYTES);
/** A `seen` read from its payload; undefined for one that is not in its shape. */
export const readSeen = reader(SeenSchema, RELAY_ANSWER_LIMIT_BYTES);

/** A request read from a payload, or undefined for anything that is not one (dropped, never answered). */
export function readRequest(payload: Buffer): RelayRequest | undefined {
  const v = readWireRequest(payload);
  return v && { method: v.m, url: v.u, headers: v.h, body: v.b, origin: v.o?.slice(0, 64) };
}

/** A request as its payload. */
export const requestPayload = (r: RelayRequest): Buffer => Buffer.from(JSON.stringify({ m: r.method, u: r.url, h: r.headers, b: r.body, o: r.origin } satisfies Static<typeof WireRequest>));

/** An answer read from a payload, or undefined for anything that is not one. */
export function readAnswer(payload: Buffer): RelayAnswer | undefined {
  const v = readWireAnswer(payload);
  return v && { status: v.s, headers: v.h, body: v.b };
}

/** An answer as its payload. */
export const answerPayload = (a: RelayAnswer): Buffer => Buffer.from(JSON.stringify({ s: a.status, h: a.headers, b: a.body } satisfies Static<typeof WireAnswer>));

/** A presence, or a `seen`, as its payload. */
export const statePayload = (p: Presence | Seen): Buffer => Buffer.from(JSON.stringify(p));
