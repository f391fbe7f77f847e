import type { Command } from 'commander';
import type { MoneyFields } from '../client';
import { parseAmount, UsageError } from './amount';

/** The payment-breadth flags a command takes (docs/pos-client.md): each only where the terminal takes it. */
export interface MoneyFlags {
  minor?: boolean;
  currency?: string;
  tip?: string;
  tipOnTerminal?: boolean;
  tipPercentages?: string;
  cashback?: string;
  partial?: boolean;
  original?: string;
}

type Flag = 'tip' | 'tipOnTerminal' | 'cashback' | 'partial' | 'original';

export const MONEY_FLAGS_OF: Record<string, readonly Flag[]> = {
  sale: ['tip', 'tipOnTerminal', 'cashback', 'partial'],
  preauth: ['tip', 'tipOnTerminal', 'partial'],
  refund: ['original'],
  complete: ['tip'],
  increment: [],
};

const currencyArg = (value: string) => {
  if (!/^[A-Z]{3}$/.test(value)) throw new UsageError(`--currency must be an ISO 4217 code such as EUR, JPY or KWD, got "${value}"`);
  return value;
};

/** Adds --currency and the command's own money flags. */
export function withMoneyFlags(cmd: Command, flags: readonly Flag[]): Command {
  cmd.option('--currency <code>', "ISO 4217 currency of the amounts (default: the terminal's); JPY has no decimals, KWD three", currencyArg);
  if (flags.includes('tip')) cmd.option('--tip <amount>', 'a tip added on top, in the same units as the amount');
  if (flags.includes('tipOnTerminal')) {
    cmd.option('--tip-on-terminal', 'the terminal asks the cardholder for a tip before the card');
    cmd.option('--tip-percentages <list>', 'the tips offered, 1 to 3 percentages such as 10,15,20');
  }
  if (flags.includes('cashback')) cmd.option('--cashback <amount>', 'cash given to the cardholder, charged with the sale');
  if (flags.includes('partial')) cmd.option('--partial', 'accept a partial approval (the rest is to be paid another way)');
  if (flags.includes('original')) cmd.option('--original <uti>', 'the sale refunded (a linked refund: at most what it charged)');
  return cmd;
}

/** The flags as the client's fields; amounts read in the currency's decimals (or minor units with --minor). */
export function moneyFields(o: MoneyFlags): MoneyFields {
  const amount = (text: string | undefined) => (text === undefined ? undefined : parseAmount(text, o.minor, o.currency));
  const percentages = o.tipPercentages?.split(',').map((p) => {
    if (!/^\d{1,3}$/.test(p.trim()) || Number(p) < 1 || Number(p) > 100) throw new UsageError(`--tip-percentages must be 1 to 3 whole percentages from 1 to 100, got "${o.tipPercentages}"`);
    return Number(p);
  });
  const fields: MoneyFields = {
    currency: o.currency,
    tipAmount: amount(o.tip),
    tipOnTerminal: o.tipOnTerminal || percentages ? true : undefined,
    tipPercentages: percentages,
    cashbackAmount: amount(o.cashback),
    allowPartialApproval: o.partial,
    originalUti: o.original,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}
