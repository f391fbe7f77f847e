import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { cpaceKey, cpaceShare } from './cpace';
import { b64, framed, unb64 } from './encoding';

// Pairing through the relay (docs/relay.md, "Pairing through the relay"): CPace over the code, each
// side's MAC over the transcript and the terminal's public key, and the pairing's secrets sealed
// (ChaCha20-Poly1305) under keys derived from the CPace session key. Node's crypto does the rest.

/** The relay-only paths, after the API's base path. Not endpoints of the API: the LAN has no such path. */
export const PAIR_START_PATH = '/relay/pair/start';
export const PAIR_FINISH_PATH = '/relay/pair/finish';

export interface StartRequest {
  v: 1;
  sid: string;
  ya: string;
}
export interface StartAnswer {
  v: 1;
  yb: string;
  /** The terminal's public key, SPKI DER, base64url. */
  terminalKey: string;
  confirm: string;
}
export interface FinishRequest {
  v: 1;
  sid: string;
  confirm: string;
  sealed: string;
}
export interface FinishAnswer {
  v: 1;
  sealed: string;
}

const SID_BYTES = 16;
const SHARE_BYTES = 32;
const TAG_BYTES = 32;
const NONCE_BYTES = 12;
const AEAD_TAG_BYTES = 16;
/** A sealed pairing request or answer is small (the fields, a public key; a token and a secret). */
const SEALED_MAX_BYTES = 8 * 1024;

interface Keys {
  confirmTerminal: Buffer;
  confirmPos: Buffer;
  toTerminal: Buffer;
  toPos: Buffer;
}

const derive = (isk: Buffer, sid: Buffer, label: string) => Buffer.from(hkdfSync('sha256', isk, sid, `eposd-relay-pairing-v1 ${label}`, 32));
const keysOf = (isk: Buffer, sid: Buffer): Keys => ({
  confirmTerminal: derive(isk, sid, 'confirm terminal'),
  confirmPos: derive(isk, sid, 'confirm pos'),
  toTerminal: derive(isk, sid, 'seal to terminal'),
  toPos: derive(isk, sid, 'seal to pos'),
});

const tag = (key: Buffer, role: string, transcript: Buffer) => createHmac('sha256', key).update(framed(role, transcript)).digest();
const sameTag = (a: Buffer | undefined, b: Buffer) => a !== undefined && a.length === b.length && timingSafeEqual(a, b);

function seal(key: Buffer, aad: Buffer, plaintext: Buffer): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: AEAD_TAG_BYTES });
  cipher.setAAD(aad, { plaintextLength: plaintext.length });
  return b64(Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]));
}

function open(key: Buffer, aad: Buffer, sealed: unknown): unknown {
  const bytes = unb64(sealed, NONCE_BYTES + AEAD_TAG_BYTES, SEALED_MAX_BYTES);
  if (!bytes) return undefined;
  const body = bytes.subarray(NONCE_BYTES, bytes.length - AEAD_TAG_BYTES);
  const decipher = createDecipheriv('chacha20-poly1305', key, bytes.subarray(0, NONCE_BYTES), { authTagLength: AEAD_TAG_BYTES });
  decipher.setAAD(aad, { plaintextLength: body.length });
  decipher.setAuthTag(bytes.subarray(bytes.length - AEAD_TAG_BYTES));
  try {
    return JSON.parse(Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8'));
  } catch {
    return undefined;
  }
}

const object = (v: unknown): Record<string, unknown> | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/** SHA-256 of a public key's SPKI DER in 64 lowercase hex digits: the fingerprint a terminal's screen shows. */
export const keyFingerprint = (spki: Uint8Array): string => createHash('sha256').update(spki).digest('hex');

/** Why a pairing through the relay stopped, in words for the POS developer. */
export class RelayPairingError extends Error {
  override name = 'RelayPairingError';
}

/** The POS's side of one pairing: start, check the terminal's answer, finish, open the pairing answer. */
export class PosPairing {
  private readonly sid = randomBytes(SID_BYTES);
  private readonly mine;
  private keys?: Keys;
  private transcript?: Buffer;

  constructor(
    code: string,
    private readonly tid: string,
  ) {
    this.mine = cpaceShare(code, tid, this.sid);
  }

  startRequest(): StartRequest {
    return { v: 1, sid: b64(this.sid), ya: b64(this.mine.share) };
  }

  /**
   * The terminal's answer to start: its public key, proved by the code (its MAC matches only if it used
   * the same code). Throws when it does not match: a wrong code, or someone in between.
   */
  accept(answer: unknown): { terminalKey: Buffer; fingerprint: string } {
    const a = object(answer);
    const yb = unb64(a?.yb, SHARE_BYTES);
    const terminalKey = unb64(a?.terminalKey, 32, 512);
    const isk = yb && cpaceKey(this.mine.secret, yb, this.sid, this.mine.share, yb);
    if (a?.v !== 1 || !yb || !terminalKey || !isk) throw new RelayPairingError('The answer to the pairing start is not one a terminal gives: nothing was paired.');
    const keys = keysOf(isk, this.sid);
    const transcript = framed(this.tid, this.sid, this.mine.share, yb, terminalKey);
    if (!sameTag(unb64(a.confirm, TAG_BYTES), tag(keys.confirmTerminal, 'terminal', transcript))) {
      throw new RelayPairingError(
        'The terminal did not prove that it knows the code: the code is wrong or no longer open, or something between this POS and the terminal answered in its place. Nothing was paired; open pairing on the terminal for a new code.',
      );
    }
    this.keys = keys;
    this.transcript = transcript;
    return { terminalKey, fingerprint: keyFingerprint(terminalKey) };
  }

  /** The finish request: this side's MAC, and `fields` sealed for the terminal. */
  finishRequest(fields: Record<string, unknown>): FinishRequest {
    const { keys, transcript } = this.accepted();
    return { v: 1, sid: b64(this.sid), confirm: b64(tag(keys.confirmPos, 'pos', transcript)), sealed: seal(keys.toTerminal, framed('to terminal', transcript), Buffer.from(JSON.stringify(fields))) };
  }

  /** The pairing answer the terminal sealed for this POS. */
  openAnswer(answer: unknown): Record<string, unknown> {
    const { keys, transcript } = this.accepted();
    const opened = object(open(keys.toPos, framed('to pos', transcript), object(answer)?.sealed));
    if (!opened) throw new RelayPairingError('The pairing answer was not sealed by the terminal of this pairing: it was changed on its way. Nothing was stored.');
    return opened;
  }

  private accepted(): { keys: Keys; transcript: Buffer } {
    if (!this.keys || !this.transcript) throw new Error('PosPairing: accept() the start answer first');
    return { keys: this.keys, transcript: this.transcript };
  }
}

/** The terminal's side of one pairing, between start and finish. */
export class TerminalPairing {
  private constructor(
    readonly sid: string,
    private readonly keys: Keys,
    private readonly transcript: Buffer,
  ) {}

  /** Answers a start request with `code`; undefined for a request that is not one. */
  static start(request: unknown, code: string, tid: string, terminalKey: Buffer): { answer: StartAnswer; session: TerminalPairing } | undefined {
    const r = object(request);
    const sid = unb64(r?.sid, SID_BYTES);
    const ya = unb64(r?.ya, SHARE_BYTES);
    if (r?.v !== 1 || !sid || !ya) return undefined;
    const mine = cpaceShare(code, tid, sid);
    const isk = cpaceKey(mine.secret, ya, sid, ya, mine.share);
    if (!isk) return undefined;
    const keys = keysOf(isk, sid);
    const transcript = framed(tid, sid, ya, mine.share, terminalKey);
    const answer: StartAnswer = { v: 1, yb: b64(mine.share), terminalKey: b64(terminalKey), confirm: b64(tag(keys.confirmTerminal, 'terminal', transcript)) };
    return { answer, session: new TerminalPairing(b64(sid), keys, transcript) };
  }

  /** The session id a finish request names, to find its session. */
  static sidOf(request: unknown): string | undefined {
    const sid = object(request)?.sid;
    return unb64(sid, SID_BYTES) ? (sid as string) : undefined;
  }

  /** The POS's sealed fields, when its MAC proves it used the same code; else undefined. */
  finish(request: unknown): Record<string, unknown> | undefined {
    const r = object(request);
    if (r?.v !== 1 || !sameTag(unb64(r.confirm, TAG_BYTES), tag(this.keys.confirmPos, 'pos', this.transcript))) return undefined;
    return object(open(this.keys.toTerminal, framed('to terminal', this.transcript), r.sealed));
  }

  seal(answer: unknown): FinishAnswer {
    return { v: 1, sealed: seal(this.keys.toPos, framed('to pos', this.transcript), Buffer.from(JSON.stringify(answer))) };
  }
}
