import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { b64, unb64 } from './encoding';

// Every relayed request signed by the POS's relay key (Ed25519), every relayed answer by the terminal's
// key (ECDSA P-256, SHA-256): what is signed, and how, once for both sides (docs/relay.md).

export const REQUEST_HEADERS = {
  register: 'x-eposd-register',
  time: 'x-eposd-time',
  nonce: 'x-eposd-nonce',
  signature: 'x-eposd-signature',
} as const;
export const ANSWER_SIGNATURE_HEADER = 'x-eposd-answer-signature';

const NONCE_BYTES = 16;
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

export interface RequestFields {
  tid: string;
  /** Empty for a request that is not signed (EPOSD_RELAY_PLAIN_TOKENS): its lines still bind the answer. */
  registerId: string;
  method: string;
  /** Path and query exactly as sent, from the API's base path on. */
  url: string;
  contentType: string;
  body: Uint8Array | string;
  time: string;
  nonce: string;
}

/** The signed lines of a request; none of its fields may hold a line break (the headers cannot). */
export function requestLines(f: RequestFields): Buffer {
  return Buffer.from(['eposd-relay-request-v1', f.tid, f.registerId, f.method.toUpperCase(), f.url, f.contentType, sha256(f.body), f.time, f.nonce].join('\n'));
}

/** What an answer is bound to: the digest of its request's lines. */
export const requestDigest = (lines: Buffer): string => sha256(lines);

/**
 * What the terminal's refusal of a request whose signature does not verify is bound to: the fields it
 * cannot doubt came with it (a request changed on its way has other lines than the POS signed). The POS
 * that sent that nonce recognises the refusal as the answer to its request: it was changed on its way.
 */
export const refusalDigest = (f: Pick<RequestFields, 'tid' | 'registerId' | 'time' | 'nonce'>): string => sha256(['eposd-relay-refusal-v1', f.tid, f.registerId, f.time, f.nonce].join('\n'));

export interface AnswerFields {
  tid: string;
  requestDigest: string;
  status: number;
  contentType: string;
  body: Uint8Array | string;
}

export function answerLines(f: AnswerFields): Buffer {
  return Buffer.from(['eposd-relay-answer-v1', f.tid, f.requestDigest, String(f.status), f.contentType, sha256(f.body)].join('\n'));
}

/** A POS's new relay key: the private half stays in its terminals file, the public half goes to the terminal. */
export function newPosKey(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey: b64(privateKey.export({ type: 'pkcs8', format: 'der' })), publicKey: b64(publicKey.export({ type: 'spki', format: 'der' })) };
}

/** A POS's public relay key as the terminal keeps it (SPKI DER, base64url), or undefined if it is not an Ed25519 key. */
export function posPublicKey(text: unknown): KeyObject | undefined {
  const der = unb64(text, 44);
  if (!der) return undefined;
  try {
    const key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ed25519' ? key : undefined;
  } catch {
    return undefined;
  }
}

export const posPrivateKey = (text: string): KeyObject => createPrivateKey({ key: Buffer.from(text, 'base64url'), format: 'der', type: 'pkcs8' });

/** The headers a signed request carries, for `lines` made with the same time and nonce. */
export function signRequest(key: KeyObject, registerId: string, time: string, nonce: string, lines: Buffer): Record<string, string> {
  return { [REQUEST_HEADERS.register]: registerId, [REQUEST_HEADERS.time]: time, [REQUEST_HEADERS.nonce]: nonce, [REQUEST_HEADERS.signature]: b64(sign(null, lines, key)) };
}

export const newNonce = (): string => b64(randomBytes(NONCE_BYTES));
export const isNonce = (text: string): boolean => unb64(text, NONCE_BYTES) !== undefined;

export function requestSignatureValid(key: KeyObject, lines: Buffer, signature: string): boolean {
  const bytes = unb64(signature, 64);
  return bytes !== undefined && verify(null, lines, key, bytes);
}

export const signAnswer = (terminalKey: KeyObject, lines: Buffer): string => b64(sign('sha256', lines, { key: terminalKey, dsaEncoding: 'ieee-p1363' }));

export function answerSignatureValid(terminalKey: KeyObject, lines: Buffer, signature: unknown): boolean {
  const bytes = unb64(signature, 64);
  return bytes !== undefined && verify('sha256', lines, { key: terminalKey, dsaEncoding: 'ieee-p1363' }, bytes);
}

/** The terminal's public key as pairing gave it (SPKI DER, base64url). */
export const terminalPublicKey = (spki: string): KeyObject => createPublicKey({ key: Buffer.from(spki, 'base64url'), format: 'der', type: 'spki' });

/**
 * The gateway's own answers, which carry no terminal signature: each says that nothing was done, or
 * that nobody knows. A client believes an unsigned answer only when it is one of these, and only as the
 * gateway's word, never as the terminal's (a dishonest gateway may say TERMINAL_OFFLINE of a request it
 * passed on: the signed status by UTI tells the truth).
 */
export const GATEWAY_CODES: ReadonlySet<string> = new Set([
  'API_KEY_INVALID',
  'FORBIDDEN',
  'TERMINAL_OFFLINE',
  'RELAY_UNAVAILABLE',
  'RELAY_TIMEOUT',
  'RELAY_BAD_ANSWER',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
]);
