import { de } from './de';
import { en, type Catalogue, type MessageKey } from './en';
import { es } from './es';
import { ja } from './ja';

export type { Catalogue, MessageKey };

/** The languages of the cardholder's screen and receipt (`locale`), and of the merchant copy (EPOSD_LOCALE). */
export const LOCALES = ['en', 'es', 'ja', 'de'] as const;
export type Locale = (typeof LOCALES)[number];

const CATALOGUES: Readonly<Record<Locale, Catalogue>> = { en, es, ja, de };

export const isLocale = (value: string): value is Locale => (LOCALES as readonly string[]).includes(value);

/** The text of `key` in `locale`; a key that is not in the catalogue (a status reason added later) is `fallback`. */
export function translate(locale: Locale, key: string, fallback?: string): string {
  const catalogue = CATALOGUES[locale] as Readonly<Record<string, string>>;
  return catalogue[key] ?? (en as Readonly<Record<string, string>>)[key] ?? fallback ?? key;
}

/** A translator bound to one locale, with its keys typed. */
export const messagesFor =
  (locale: Locale) =>
  (key: MessageKey): string =>
    CATALOGUES[locale][key];
