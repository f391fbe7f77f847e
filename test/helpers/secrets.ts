import { hashSecret } from '../../src/pairing/tokens';
import { TEST_CARDS } from '../../src/reader/simulator/test-cards';

// What must never appear in an answer or a log line: tokens, their stored hashes, webhook secrets and
// card numbers. The sweeps in the diagnostics and log tests look for these.

/** Every full card number the simulator knows: the only full PANs in eposd. */
export const SIMULATOR_PANS = Object.values(TEST_CARDS).map((c) => c.pan);

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Every Luhn-valid number of 13 to 19 digits in `text`, also when written with single spaces or dashes
 * between the digits. A longer run of digits is not a card number (a simulator PAN inside one is
 * still found by the PAN check).
 */
export function cardLikeNumbers(text: string): string[] {
  // A SHA-256 in hex standing alone (the certificate's fingerprint, which the logs and the screen show
  // whole) is no card number, whatever digits it starts with: the logger's own rule (src/shared/logger.ts).
  const runs = (text.replace(/(?<![0-9A-Za-z])[0-9a-f]{64}(?![0-9A-Za-z])/g, ' ').match(/\d(?:[ -]?\d)*/g) ?? []).map((run) => run.replace(/\D/g, ''));
  return [...new Set(runs.filter((d) => d.length >= 13 && d.length <= 19 && luhnValid(d)))];
}

/** A token, its secret half, and the hash of the secret as it is stored (hex and base64). */
export function tokenForms(token: string): string[] {
  const secret = token.split('.')[1] ?? token;
  const hash = hashSecret(secret);
  return [token, secret, hash.toString('hex'), hash.toString('base64'), hash.toString('base64url')];
}

/** The forbidden strings found in `text`, named so that a failure says what leaked. */
export function leaksIn(text: string, secrets: { tokens?: string[]; webhookSecrets?: string[] }): string[] {
  const leaks: string[] = [];
  for (const token of secrets.tokens ?? []) for (const form of tokenForms(token)) if (text.includes(form)) leaks.push(`token material ${form}`);
  for (const s of secrets.webhookSecrets ?? []) if (text.includes(s)) leaks.push(`webhook secret ${s}`);
  for (const pan of SIMULATOR_PANS) if (text.includes(pan)) leaks.push(`simulator PAN ${pan}`);
  for (const n of cardLikeNumbers(text)) leaks.push(`Luhn-valid number ${n}`);
  return leaks;
}
