// Each parser turns one raw string into a typed value or throws a message that says what is wrong.
import { isIP } from 'node:net';

export type Parser<T> = (raw: string) => T;

export const integer =
  (min: number, max: number): Parser<number> =>
  (raw) => {
    if (!/^-?\d+$/.test(raw.trim())) throw new Error(`must be a whole number, got "${raw}"`);
    const n = Number(raw.trim());
    if (n < min || n > max) throw new Error(`must be between ${min} and ${max}, got ${n}`);
    return n;
  };

export const port: Parser<number> = integer(0, 65535);

export const oneOf =
  <T extends string>(...values: T[]): Parser<T> =>
  (raw) => {
    if (!(values as string[]).includes(raw)) throw new Error(`must be one of ${values.join(', ')}, got "${raw}"`);
    return raw as T;
  };

export const boolean: Parser<boolean> = (raw) => {
  const v = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new Error(`must be true or false, got "${raw}"`);
};

export const pattern =
  (re: RegExp, what: string): Parser<string> =>
  (raw) => {
    if (!re.test(raw)) throw new Error(`must be ${what}, got "${raw}"`);
    return raw;
  };

export const text =
  (maxLength: number): Parser<string> =>
  (raw) => {
    const v = raw.trim();
    if (v.length === 0 || v.length > maxLength) throw new Error(`must be 1 to ${maxLength} characters`);
    return v;
  };

/** "HH:MM", 24-hour local time. */
export const timeOfDay: Parser<string> = pattern(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM');

/** An address to listen on: an IP literal, or localhost. A name that does not resolve would only fail later, unnamed. */
export const listenAddress: Parser<string> = (raw) => {
  const v = raw.trim();
  if (v !== 'localhost' && isIP(v) === 0) throw new Error(`must be an IP address such as 0.0.0.0 (every interface) or 127.0.0.1, got "${raw}"`);
  return v;
};

/** A comma-separated list of ISO 4217 codes: "EUR,GBP,JPY". */
export const currencyList: Parser<string[]> = (raw) => {
  const codes = raw.split(',').map((c) => c.trim());
  const bad = codes.filter((c) => !/^[A-Z]{3}$/.test(c));
  if (bad.length > 0 || codes.length > 20) throw new Error(`must be 1 to 20 ISO 4217 codes separated by commas such as EUR,GBP, got "${raw}"`);
  return [...new Set(codes)];
};

/** "none", or a tip percentage from 1 to 100. */
export const tipChoice: Parser<'none' | number> = (raw) => {
  const v = raw.trim().toLowerCase();
  if (v === 'none') return 'none';
  return integer(1, 100)(v);
};
