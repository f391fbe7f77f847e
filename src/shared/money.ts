const EXPONENTS: Record<string, number> = { JPY: 0, KRW: 0, ISK: 0, HUF: 2, BHD: 3, KWD: 3, JOD: 3, OMR: 3, TND: 3 };

/** Minor units to a display amount: 1000 EUR → "EUR 10.00". */
export function formatAmount(minor: number, currency: string): string {
  const exp = EXPONENTS[currency] ?? 2;
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const whole = Math.floor(abs / 10 ** exp);
  const frac = exp > 0 ? `.${String(abs % 10 ** exp).padStart(exp, '0')}` : '';
  return `${currency} ${sign}${whole}${frac}`;
}
