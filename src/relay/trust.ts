import type { KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { AuditLog } from '../audit/audit.service';
import type { PairingService } from '../pairing/pairing.service';
import { ApiError, problemBody } from '../shared/errors';
import type { ErrorCode } from '../shared/error-codes';
import { PAIR_FINISH_PATH, PAIR_START_PATH, TerminalPairing } from '../relay-trust/pairing';
import { ANSWER_SIGNATURE_HEADER, answerLines, isNonce, posPublicKey, refusalDigest, requestDigest, requestLines, requestSignatureValid, REQUEST_HEADERS, signAnswer } from '../relay-trust/signatures';
import { RELAY_ANSWER_LIMIT_BYTES, type RelayAnswer, type RelayRequest } from './protocol';
import { NonceGuard } from './nonces';
import type { AnswerWriter, RelayExchange, RelayHandler } from './relay-handler';

export interface TrustOptions {
  tid: string;
  api: { handle: RelayHandler; write: AnswerWriter };
  pairing: Pick<PairingService, 'relayAttempt' | 'keepRelayKey' | 'relayPrincipal'>;
  audit: Pick<AuditLog, 'authFailure'>;
  /** The terminal's private key (its HTTPS certificate's) and its public key as SPKI DER. */
  terminalKey: KeyObject;
  terminalSpki: Buffer;
  /** EPOSD_RELAY_PLAIN_TOKENS: unsigned requests served with their token (the weaker mode). */
  plainTokens: boolean;
  basePath: string;
  now: () => number;
}

/** How far a signed request's time may be from the terminal's clock. */
export const CLOCK_TOLERANCE_MS = 5 * 60_000;
/**
 * Nonces kept: 10,000 in 10 minutes is some 17 signed requests a second, far beyond what a till sends;
 * past it, the floor refuses rather than forgets (nonces.ts). lru-cache allocates its index for `max`
 * up front (some 40 bytes an entry), so it is sized for a terminal, not a server farm.
 */
const NONCES_MAX = 10_000;
/** Between a pairing's start and its finish: a person has already typed the code. */
const PAIRING_SESSION_TTL_MS = 2 * 60_000;
/** What the answer's signature header adds to its envelope. */
const ANSWER_SIGNATURE_ROOM_BYTES = 256;

const headerOf = (h: RelayAnswer['headers'], name: string) => {
  for (let i = 0; i + 1 < h.length; i += 2) if (h[i]!.toLowerCase() === name) return h[i + 1]!;
  return '';
};
const parsed = (text: string | undefined): unknown => {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
};
const done = (answer: Promise<RelayAnswer>): RelayExchange => ({ answer, abandon: () => undefined });
/** A refusal of a request whose signature does not verify: bound to its register, time and nonce, not to lines the POS never signed. */
const refused = (answer: Promise<RelayAnswer>): RelayExchange & { bindToRefusal: true } => ({ ...done(answer), bindToRefusal: true });

/**
 * The terminal's side of the relay's end-to-end trust (docs/relay.md, "Trust"): pairing by CPace over
 * the code, requests that must be signed by a register's relay key (or, in the weaker mode, carry its
 * token), and every answer signed by the terminal's key, bound to its request.
 * @NOTE What is verified here is never taken from the gateway's word: the register comes from the
 * signature, not from a header alone, and reaches the dispatch as Call.principal.
 */
export function trustedRelay(o: TrustOptions): RelayHandler {
  const base = o.basePath.toLowerCase();
  const sessions = new LRUCache<string, { session: TerminalPairing; code: string }>({ max: 16, ttl: PAIRING_SESSION_TTL_MS });
  const nonces = new NonceGuard(2 * CLOCK_TOLERANCE_MS, NONCES_MAX);
  const keys = new LRUCache<string, KeyObject>({ max: 1_000 });

  const refuse = (code: ErrorCode, detail: string, extra?: Record<string, unknown>) => {
    const problem = new ApiError(code, detail, extra);
    return o.api.write({ status: problem.status, body: problemBody(problem) });
  };

  function signed(request: RelayRequest, lines: Buffer, origin: string): RelayExchange {
    const h = request.headers;
    const registerId = h[REQUEST_HEADERS.register] ?? '';
    const time = h[REQUEST_HEADERS.time] ?? '';
    const nonce = h[REQUEST_HEADERS.nonce] ?? '';
    const granted = /^\d{1,15}$/.test(time) && isNonce(nonce) ? o.pairing.relayPrincipal(registerId) : undefined;
    let key = granted && keys.get(granted.relayKey);
    if (granted && !key && (key = posPublicKey(granted.relayKey))) keys.set(granted.relayKey, key);
    if (!granted || !key || !requestSignatureValid(key, lines, h[REQUEST_HEADERS.signature] ?? '')) {
      o.audit.authFailure('INVALID_SIGNATURE', { origin });
      return refused(
        refuse(
          'RELAY_SIGNATURE_INVALID',
          `The request's signature does not verify for register ${registerId.slice(0, 64)}: it was changed on its way to the terminal, or this register is not paired through the relay. Nothing was done.`,
        ),
      );
    }
    const now = o.now();
    if (Math.abs(now - Number(time)) > CLOCK_TOLERANCE_MS) {
      return done(refuse('RELAY_CLOCK_SKEW', "The request's time is more than 5 minutes from the terminal's clock. Nothing was done.", { terminalTime: now }));
    }
    if (!nonces.use(`${registerId} ${nonce}`, Number(time))) {
      o.audit.authFailure('REPLAYED', { actor: registerId, origin });
      return done(refuse('RELAY_REPLAYED', 'This request was already received: a copy is never run again. Nothing was done.'));
    }
    const inner: Record<string, string> = {};
    for (const [name, value] of Object.entries(h)) if (name !== 'authorization' && !name.startsWith('x-eposd-')) inner[name] = value;
    return o.api.handle({ ...request, headers: inner }, origin, granted.principal);
  }

  function pairStart(request: RelayRequest): RelayExchange {
    const body = parsed(request.body);
    if (TerminalPairing.sidOf(body) === undefined) return done(refuse('VALIDATION_FAILED', 'This is not the start of a pairing through the relay.'));
    const code = o.pairing.relayAttempt();
    const started = code === undefined ? undefined : TerminalPairing.start(body, code, o.tid, o.terminalSpki);
    if (!started || code === undefined) return done(refuse('PAIRING_FAILED', 'No pairing code is open on the terminal, or its tries are used up. Open pairing on the terminal for a new code.'));
    sessions.set(started.session.sid, { session: started.session, code });
    return done(o.api.write({ status: 200, body: started.answer }));
  }

  function pairFinish(request: RelayRequest, origin: string): RelayExchange {
    const body = parsed(request.body);
    const sid = TerminalPairing.sidOf(body);
    const entry = sid === undefined ? undefined : sessions.get(sid);
    if (sid !== undefined) sessions.delete(sid);
    const fields = entry?.session.finish(body);
    if (!entry || !fields) {
      o.audit.authFailure('PAIRING_NOT_PROVED', { origin });
      return done(refuse('PAIRING_FAILED', 'The pairing could not be finished: it did not prove the code, or it is not one the terminal started. Open pairing on the terminal for a new code.'));
    }
    const { relayKey, pairingCode: _ignored, ...input } = fields;
    if (!posPublicKey(relayKey)) return done(refuse('VALIDATION_FAILED', "The POS's relay key is not an Ed25519 public key."));
    // The LAN's own POST /pair, with the code this pairing proved: its validation, rate limit, audit entry and single use.
    const pair: RelayRequest = { method: 'POST', url: `${o.basePath}/pair`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...input, pairingCode: entry.code }) };
    const exchange = o.api.handle(pair, origin);
    const answer = exchange.answer.then((a) => {
      if (a.status !== 200) return a;
      const paired = parsed(a.body) as { registerId: string; authToken: string };
      if (!o.pairing.keepRelayKey(paired.registerId, paired.authToken, relayKey as string)) return refuse('INTERNAL_ERROR', 'The pairing was replaced while it was made. Pair again.');
      return o.api.write({ status: 200, body: entry.session.seal(paired) });
    });
    return { answer, abandon: exchange.abandon };
  }

  /** The lines a request is signed with, from what it carries (a request with no signature: empty fields). */
  function linesOf(request: RelayRequest): Buffer {
    const h = request.headers;
    const url = request.url;
    return requestLines({
      tid: o.tid,
      registerId: h[REQUEST_HEADERS.register] ?? '',
      method: request.method,
      url,
      contentType: h['content-type'] ?? '',
      body: request.body ?? '',
      time: h[REQUEST_HEADERS.time] ?? '',
      nonce: h[REQUEST_HEADERS.nonce] ?? '',
    });
  }

  function route(request: RelayRequest, lines: Buffer, origin: string): RelayExchange {
    const path = request.url.split('?')[0]!.toLowerCase();
    if (request.method.toUpperCase() === 'POST' && path === base + PAIR_START_PATH) return pairStart(request);
    if (request.method.toUpperCase() === 'POST' && path === base + PAIR_FINISH_PATH) return pairFinish(request, origin);
    if (request.headers[REQUEST_HEADERS.signature] !== undefined) return signed(request, lines, origin);
    if (o.plainTokens) return o.api.handle(request, origin);
    return done(
      refuse(
        'RELAY_SIGNATURE_REQUIRED',
        'Through the relay, a request must be signed by a POS paired through the relay (the eposd client library and eposd-pos do it). This terminal does not take plain tokens through the relay. Nothing was done.',
      ),
    );
  }

  /**
   * An answer the relay can carry, at once: one too large for it is a problem answer (the POS asks for
   * less), and a handler that failed is a 500, never silence (the gateway would wait for its timeout).
   */
  function bounded(answer: Promise<RelayAnswer>): Promise<RelayAnswer> {
    return answer.then(
      (a) =>
        Buffer.byteLength(JSON.stringify(a)) + ANSWER_SIGNATURE_ROOM_BYTES <= RELAY_ANSWER_LIMIT_BYTES
          ? a
          : refuse('RELAY_ANSWER_TOO_LARGE', `The answer is larger than the relay carries (${RELAY_ANSWER_LIMIT_BYTES / 1024} KiB). Ask for less: a smaller limit, or narrower filters.`),
      () => refuse('INTERNAL_ERROR', 'The terminal could not complete the request.'),
    );
  }

  return (request, origin) => {
    const lines = linesOf(request);
    const exchange: RelayExchange & { bindToRefusal?: true } = route(request, lines, origin);
    const h = request.headers;
    const digest = exchange.bindToRefusal
      ? refusalDigest({ tid: o.tid, registerId: h[REQUEST_HEADERS.register] ?? '', time: h[REQUEST_HEADERS.time] ?? '', nonce: h[REQUEST_HEADERS.nonce] ?? '' })
      : requestDigest(lines);
    const answer = bounded(exchange.answer).then((a) => {
      const signedLines = answerLines({ tid: o.tid, requestDigest: digest, status: a.status, contentType: headerOf(a.headers, 'content-type'), body: a.body });
      return { ...a, headers: [...a.headers, ANSWER_SIGNATURE_HEADER, signAnswer(o.terminalKey, signedLines)] };
    });
    return { answer, abandon: exchange.abandon };
  };
}
