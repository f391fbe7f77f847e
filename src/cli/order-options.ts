import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Locale, OrderData } from '../client';
import { itemOption } from './line-items';

const LOCALES: Locale[] = ['en', 'es', 'ja', 'de'];

export interface OrderFlags {
  description?: string;
  meta?: Record<string, string>;
  locale?: Locale;
  item?: string[];
}

/** `--meta key=value`, repeatable: collected into one object. */
export const metaArg = (value: string, previous: Record<string, string> | undefined): Record<string, string> => {
  const at = value.indexOf('=');
  if (at < 1) throw new InvalidArgumentError('must be key=value, e.g. order=42');
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
};

/** The order data options of a payment command. */
export const orderOptions = (cmd: Command): Command =>
  itemOption(
    cmd
      .option('--description <text>', 'what the payment is for, printed on the receipts (at most 255 characters)')
      .option('--meta <key=value>', 'your own data, searchable with list --meta (repeat for more keys)', metaArg)
      .addOption(new Option('--locale <locale>', "the cardholder's language on the screen and receipt").choices(LOCALES)),
  );

export const orderFrom = (o: OrderFlags): OrderData => ({
  ...(o.description !== undefined ? { description: o.description } : {}),
  ...(o.meta ? { metadata: o.meta } : {}),
  ...(o.locale ? { locale: o.locale } : {}),
});
