// Every random identifier and secret eposd makes comes from here, from the OS CSPRNG.
// nanoid is pinned to 3.x: the last CommonJS line, which jest and the build load as they are.
import { randomBytes, randomInt } from 'node:crypto';
import { customAlphabet, nanoid } from 'nanoid';
import { luhnValid } from './luhn';

const digits = (n: number): string => Array.from({ length: n }, () => randomInt(10)).join('');
const utiAlphabet = customAlphabet('0123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz', 24);

export const ids = {
  /** A Unique Transaction Identifier: 24 characters of [A-Za-z0-9], about 141 random bits. */
  uti: (): string => utiAlphabet(),
  /** A 6-digit pairing code. */
  pairingCode: (): string => digits(6),
  /** The public half of a token: used to find the register, not a secret. */
  tokenSelector: (): string => nanoid(16),
  /** The secret half of a token: 256 random bits. */
  tokenSecret: (): string => randomBytes(32).toString('base64url'),
  webhookSecret: (): string => randomBytes(32).toString('base64url'),
  registerId: (): string => `reg-${nanoid(10)}`,
  tid: (): string => digits(8),
  serial: (): string => `EPD${digits(9)}`,
  /** 15 digits that fail the Luhn check, so that no one (nor the logger) takes the MID for a card number. */
  mid: (): string => {
    const mid = digits(15);
    return luhnValid(mid) ? `${mid.slice(0, 14)}${(Number(mid[14]) + 1) % 10}` : mid;
  },
  deliveryId: (): string => nanoid(21),
  /** A prompt's id when the POS chose none: as a UTI, 24 characters of [A-Za-z0-9]. */
  promptId: (): string => utiAlphabet(),
  /** An acquirer's approval code: 6 digits. */
  authCode: (): string => digits(6),
};

export type IdGenerator = typeof ids;
