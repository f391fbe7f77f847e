import pino, { type Logger, type LoggerOptions } from 'pino';
import { couldBePan } from './luhn';

export type { Logger };

// @NOTE Secrets and card data are removed here, by configuration, so that no call site has to
// remember: the paths below are censored, and any number left in a logged string that could be a card
// number (a run of 13-19 digits, spaces or dashes allowed between them, that passes the Luhn check) is
// masked before the line is written. Identifiers that cannot be a PAN (a TID, a MID, an AID such as
// A0000000031010, a UTI) stay readable, so the logs stay useful to a technician.
const REDACT_PATHS = [
  'authorization',
  'req.headers.authorization',
  'headers.authorization',
  '*.authorization',
  'authToken',
  '*.authToken',
  'token',
  '*.token',
  'webhookSecret',
  '*.webhookSecret',
  'pairingCode',
  '*.pairingCode',
  'pan',
  '*.pan',
];

const DIGIT_RUN = /\d(?:[ -]?\d)*/g;
// A SHA-256 digest in hex, standing alone: no card number hides in one.
const HEX_DIGEST = /(?<![0-9A-Za-z])[0-9a-f]{64}(?![0-9A-Za-z])/g;
// A token as pairing issues it, "<selector>.<secret>", quoted in a string.
const TOKEN_LIKE = /(?<![\w-])[\w-]{16}\.[\w-]{43}(?![\w-])/g;
// The paths above reach two levels and match case exactly: these keys are censored at any depth, in any case.
const SECRET_KEY = /^(authorization|auth-?token|token|webhook-?secret|secret|pairing-?code|pan|cookie)$/i;
// A PAN logged as a number. 14 digits and up: epoch milliseconds (13 digits until 2286) stay readable.
const CARD_LIKE_NUMBER = 1e13;

/**
 * A run of digits that could be a card number, or that could hide one: more than 19 digits is no
 * identifier eposd logs, and a PAN run together with other digits would pass unseen.
 */
function cardLikeRun(run: string): boolean {
  const digits = run.replace(/\D/g, '');
  return digits.length > 19 || couldBePan(digits);
}

const scrubDigits = (text: string) => text.replace(DIGIT_RUN, (run) => (cardLikeRun(run) ? '[REDACTED]' : run));

/**
 * A string with its card-like digit runs masked. A SHA-256 in hex (the certificate's fingerprint, which
 * installers compare with the screen's) is left whole: about one fingerprint in a hundred starts with
 * a run of digits that would pass the Luhn check, or with more than 19 of them, and was shown cut.
 */
function scrubString(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(HEX_DIGEST)) {
    out += scrubDigits(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return (out + scrubDigits(text.slice(last))).replace(TOKEN_LIKE, '[REDACTED]');
}

export function scrubCardLike(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) >= CARD_LIKE_NUMBER && (Math.abs(value) >= 1e19 || couldBePan(String(Math.abs(value))))) return '[REDACTED]';
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  // Left whole for the err serializer (which scrubs what it makes): copied key by key, an Error is {}.
  if (value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((v) => scrubCardLike(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) && v != null ? '[REDACTED]' : scrubCardLike(v, depth + 1);
  return out;
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { name: 'eposd' },
    // ISO time: readable, and never a 13-digit number that a card-number sweep could mistake for a PAN.
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    formatters: { log: (obj) => scrubCardLike(obj) as Record<string, unknown> },
    serializers: { err: (err: Error) => scrubCardLike(pino.stdSerializers.err(err)) },
    hooks: {
      logMethod(args, method) {
        // logger.error(err) would take err.message as the line's message unscrubbed: give it scrubbed.
        if (args.length === 1 && args[0] instanceof Error) args.push(args[0].message);
        method.apply(this, args.map((a) => scrubCardLike(a)) as Parameters<typeof method>);
      },
    },
  };
}

/** Where a host app that embeds eposd takes its log: one JSON line per call (src/embedded.ts). */
export interface LogDestination {
  write(line: string): void;
}

/** JSON lines on stderr; readable lines when a person runs eposd in a terminal; or to `destination`. */
export function createLogger(level: string, pretty = process.stderr.isTTY === true, destination?: LogDestination): Logger {
  if (destination) return pino(loggerOptions(level), destination);
  if (pretty) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- only a person at a terminal needs it
    const pinoPretty = require('pino-pretty') as typeof import('pino-pretty');
    const prettyStream = pinoPretty({ destination: 2, sync: true, colorize: true });
    return pino(loggerOptions(level), prettyStream);
  }
  return pino(loggerOptions(level), pino.destination({ fd: 2, sync: false }));
}

export const silentLogger: Logger = pino({ level: 'silent' });
