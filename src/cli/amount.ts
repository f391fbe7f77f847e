import { currencyOf, majorUnits } from '../shared/currencies';

/** A mistake on the command line: exit code 1 with the message, no stack. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const MAX_MINOR = 99_999_999;

/**
 * An amount as a person types it: major units with at most the currency's decimals (`12.50` EUR,
 * `1250` JPY, `1.250` KWD; ISO 4217), or with `minor`, whole minor units (`1250`). A dot is the only
 * decimal separator; there are no thousands separators. Without a currency, two decimals.
 */
export function parseAmount(text: string, minor = false, currency?: string): number {
  const value = readMinorUnits(text, minor, currency);
  if (value < 1 || value > MAX_MINOR) {
    const code = currency ?? 'EUR';
    throw new UsageError(`the amount must be from ${majorUnits(1, code)} to ${majorUnits(MAX_MINOR, code)} (1 to ${MAX_MINOR} minor units)`);
  }
  return value;
}

/**
 * A note for an amount that a POS developer thinking in minor units may have meant as such: a whole
 * number of three digits or more, in a currency with decimals, without --minor (`1250` is EUR 1250.00).
 */
export function minorUnitsHint(text: string, minor: boolean, currency?: string): string | undefined {
  const code = currency ?? 'EUR';
  if (minor || !/^\d{3,}$/.test(text) || currencyOf(code).exponent === 0) return undefined;
  const asMinor = majorUnits(Number(text), code);
  return `note: ${text} is read as ${code} ${majorUnits(readMinorUnits(text, false, currency), code)} (amounts are major units): for ${code} ${asMinor} write ${asMinor}, or --minor ${text}`;
}

/** parseAmount's reading without its range: `0` and `0.00` are 0 (a line item may be free). */
export function readMinorUnits(text: string, minor = false, currency?: string): number {
  const exp = currency ? currencyOf(currency).exponent : 2;
  if (minor) {
    if (!/^\d+$/.test(text)) throw new UsageError(`"${text}" is not a whole number of minor units (like 1250 for 12.50)`);
    return Number(text);
  }
  const m = exp > 0 ? new RegExp(`^(\\d+)(?:\\.(\\d{1,${exp}}))?$`).exec(text) : /^(\d+)()$/.exec(text);
  if (!m) {
    const how = exp === 0 ? `whole ${currency} without decimals, like 1250` : `major units with at most ${exp} decimals after a dot, like ${majorUnits(1250, currency ?? 'EUR')}`;
    throw new UsageError(`"${text}" is not an amount${currency ? ` in ${currency}` : ''}: write ${how} (or pass --minor and 1250)`);
  }
  return Number(m[1]) * 10 ** exp + Number((m[2] ?? '').padEnd(exp, '0') || '0');
}

/** 1250, "EUR" → "EUR 12.50"; 1250, "JPY" → "JPY 1250" (the currency's decimals: what parseAmount reads). */
export function formatAmount(minor: number | null, currency = ''): string {
  if (minor === null) return '';
  const text = majorUnits(minor, currency || 'EUR');
  return currency ? `${currency} ${text}` : text;
}
