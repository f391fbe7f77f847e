/**
 * ISO 4217: each currency's minor-unit exponent (JPY 0, EUR 2, KWD 3) and the symbol the cardholder's
 * screen shows. The one table every amount is read, checked, printed and parsed with.
 */
export interface Currency {
  code: string;
  exponent: 0 | 2 | 3 | 4;
  symbol: string;
}

const TABLE: [string, Currency['exponent'], string][] = [
  ['EUR', 2, '€'],
  ['GBP', 2, '£'],
  ['USD', 2, '$'],
  ['CHF', 2, 'CHF'],
  ['SEK', 2, 'kr'],
  ['NOK', 2, 'kr'],
  ['DKK', 2, 'kr'],
  ['PLN', 2, 'zł'],
  ['CZK', 2, 'Kč'],
  ['HUF', 2, 'Ft'],
  ['RON', 2, 'lei'],
  ['BGN', 2, 'лв'],
  ['TRY', 2, '₺'],
  ['CAD', 2, '$'],
  ['AUD', 2, '$'],
  ['NZD', 2, '$'],
  ['MXN', 2, '$'],
  ['BRL', 2, 'R$'],
  ['ARS', 2, '$'],
  ['COP', 2, '$'],
  ['PEN', 2, 'S/'],
  ['ZAR', 2, 'R'],
  ['INR', 2, '₹'],
  ['CNY', 2, '¥'],
  ['HKD', 2, '$'],
  ['SGD', 2, '$'],
  ['THB', 2, '฿'],
  ['MYR', 2, 'RM'],
  ['PHP', 2, '₱'],
  ['AED', 2, 'د.إ'],
  ['SAR', 2, '﷼'],
  ['ILS', 2, '₪'],
  ['JPY', 0, '¥'],
  ['KRW', 0, '₩'],
  ['ISK', 0, 'kr'],
  ['CLP', 0, '$'],
  ['VND', 0, '₫'],
  ['XOF', 0, 'F'],
  ['XAF', 0, 'F'],
  ['PYG', 0, '₲'],
  ['UGX', 0, 'USh'],
  ['BHD', 3, 'BD'],
  ['KWD', 3, 'KD'],
  ['JOD', 3, 'JD'],
  ['OMR', 3, 'RO'],
  ['TND', 3, 'DT'],
  ['LYD', 3, 'LD'],
  ['IQD', 3, 'ID'],
  ['CLF', 4, 'UF'],
];

export const CURRENCIES: ReadonlyMap<string, Currency> = new Map(TABLE.map(([code, exponent, symbol]) => [code, { code, exponent, symbol }]));

/** A code the table does not list is read as ISO's most common case, two decimals, and shown by its code. */
export function currencyOf(code: string): Currency {
  return CURRENCIES.get(code) ?? { code, exponent: 2, symbol: code };
}

/** 1250 JPY → "1250", 1250 EUR → "12.50", 1250 KWD → "1.250". */
export function majorUnits(minor: number, code: string): string {
  const exp = currencyOf(code).exponent;
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const whole = Math.floor(abs / 10 ** exp);
  return exp > 0 ? `${sign}${whole}.${String(abs % 10 ** exp).padStart(exp, '0')}` : `${sign}${whole}`;
}
