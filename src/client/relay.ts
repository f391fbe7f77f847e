import type { KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import {
  ANSWER_SIGNATURE_HEADER,
  answerLines,
  answerSignatureValid,
  GATEWAY_CODES,
  newNonce,
  posPrivateKey,
  refusalDigest,
  requestDigest,
  requestLines,
  signRequest,
  terminalPublicKey,
} from '../relay-trust/signatures';
import { EposdClientError } from './errors';
import type { Problem } from './types';

// The POS's side of the relay's end-to-end trust (docs/relay.md, "Trust"): each request signed with
// the POS's relay key, each answer checked against the terminal's key pinned at pairing.

/** What a terminal paired through a relay keeps beside its token (src/client/store.ts). */
export interface RelayPairing {
  /** The POS platform's key at the gateway (X-Api-Key). */
  apiKey?: string;
  /** SHA-256 of the gateway's TLS key: the connection's pin (the terminal's is `fingerprint`). */
  gatewayFingerprint: string;
  /** The terminal's public key, SPKI DER, base64url: every answer must be signed by it. */
  terminalKey: string;
  /** This POS's relay key (Ed25519, PKCS#8 DER, base64url): it signs every request. Never sent. */
  posKey: string;
}

/**
 * An answer that came through the relay without the terminal's valid signature, and that is not one
 * of the gateway's own failures: someone between the POS and the terminal made it or changed it. It
 * was not used.
 */
export class RelayAnswerRefusedError extends EposdClientError {
  override name = 'RelayAnswerRefusedError';
  constructor(
    readonly what: string,
    /** The UTI of a payment whose start may or may not have reached the terminal. */
    readonly uti?: string,
  ) {
    super(
      `The answer to ${what} was not signed by the terminal: something between this POS and the terminal made it up or changed it, and it was not used.` +
        (uti ? ` The payment ${uti} may or may not have started: ask for its status.` : ''),
    );
  }
}

export interface SignedExchange {
  headers: Record<string, string>;
  /** Throws RelayAnswerRefusedError unless the answer is the terminal's, for this request (or the gateway's own failure). */
  check(answer: { status: number; headers: IncomingHttpHeaders; raw: Buffer }): void;
}

const problemCode = (contentType: string, body: Buffer): string | undefined => {
  if (!/problem\+json/i.test(contentType)) return undefined;
  try {
    const code = (JSON.parse(body.toString('utf8')) as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
};

/** Signs relayed requests for one paired register and checks their answers. */
export class RelaySigner {
  private readonly posKey: KeyObject;
  private readonly terminalKey: KeyObject;
  /** The terminal's clock minus this one's, learnt from a signed RELAY_CLOCK_SKEW. */
  offsetMs = 0;

  constructor(
    private readonly tid: string,
    private readonly registerId: string,
    pairing: Pick<RelayPairing, 'posKey' | 'terminalKey'>,
  ) {
    this.posKey = posPrivateKey(pairing.posKey);
    this.terminalKey = terminalPublicKey(pairing.terminalKey);
  }

  /** `url` is the path and query from the API's base path on, as the terminal receives it. */
  sign(method: string, url: string, contentType: string, body: string, what: string, uti?: string): SignedExchange {
    const time = String(Date.now() + this.offsetMs);
    const nonce = newNonce();
    const lines = requestLines({ tid: this.tid, registerId: this.registerId, method, url, contentType, body, time, nonce });
    const refusal = refusalDigest({ tid: this.tid, registerId: this.registerId, time, nonce });
    return { headers: signRequest(this.posKey, this.registerId, time, nonce, lines), check: answerCheck(this.terminalKey, this.tid, requestDigest(lines), what, uti, refusal) };
  }
}

/**
 * The check of one relayed answer: the terminal's signature over it, bound to the request; else, with
 * no signature at all, one of the gateway's own failures (an error that says nothing was done, or that
 * nobody knows). Anything else is refused.
 */
export function answerCheck(terminalKey: KeyObject, tid: string, digest: string, what: string, uti?: string, refusal?: string): SignedExchange['check'] {
  return ({ status, headers, raw }) => {
    const contentType = headers['content-type'] ?? '';
    const signature = headers[ANSWER_SIGNATURE_HEADER];
    const signedFor = (d: string) => answerSignatureValid(terminalKey, answerLines({ tid, requestDigest: d, status, contentType, body: raw }), signature);
    const code = problemCode(contentType, raw);
    if (signature !== undefined) {
      if (signedFor(digest)) return;
      // The terminal's word that what reached it under this request's nonce was not what this POS signed.
      if (refusal !== undefined && code === 'RELAY_SIGNATURE_INVALID' && signedFor(refusal)) return;
    } else if (status >= 400 && GATEWAY_CODES.has(code ?? '')) return;
    throw new RelayAnswerRefusedError(what, uti);
  };
}

/**
 * A relayed problem that the terminal did not sign is the gateway's own word (src/client/relay.ts lets
 * through only the gateway's failures): said so, and for a payment, that it may have started all the same.
 */
export function gatewayWord(problem: Problem, headers: IncomingHttpHeaders, uti: unknown): Problem {
  if (headers[ANSWER_SIGNATURE_HEADER] !== undefined) return problem;
  const payment = typeof uti === 'string' ? ` If the gateway passed it on all the same, the payment ${uti} may have started: ask for its status.` : '';
  return { ...problem, fromGateway: true, detail: `${problem.detail ?? problem.title} (The relay gateway's word, not signed by the terminal.)${payment}` };
}
