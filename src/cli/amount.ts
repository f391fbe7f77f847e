/** A mistake on the command line: exit code 1 with the message, no stack. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const MAX_MINOR = 99_999_999;

/**
 * An amount as a person types it: major units with up to two decimals (`12.50`, `12`), or with
 * `minor`, whole minor units (`1250`). A dot is the only decimal separator; there are no thousands
 * separators. Currencies with another number of decimals use `--minor`.
 */
export function parseAmount(text: string, minor = false): number {
  let value: number;
  if (minor) {
    if (!/^\d+$/.test(text)) throw new UsageError(`"${text}" is not a whole number of minor units (like 1250 for 12.50)`);
    value = Number(text);
  } else {
    const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text);
    if (!m) throw new UsageError(`"${text}" is not an amount: write major units with a dot, like 12.50 (or pass --minor and 1250)`);
    value = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  }
  if (value < 1 || value > MAX_MINOR) throw new UsageError(`the amount must be from 0.01 to ${(MAX_MINOR / 100).toFixed(2)} (1 to ${MAX_MINOR} minor units)`);
  return value;
}

/** 1250, "EUR" → "EUR 12.50" (two decimals: what parseAmount reads). */
export function formatAmount(minor: number | null, currency = ''): string {
  if (minor === null) return '';
  const text = `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
  return currency ? `${currency} ${text}` : text;
}
