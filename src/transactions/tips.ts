import { tipFor } from '../shared/money';
import { MAX_TOTAL } from './model';

/** Tipping: what the terminal offers when it asks the cardholder (tipOnTerminal). */

export const DEFAULT_TIP_PERCENTAGES: readonly number[] = [10, 15, 20];

/**
 * The largest tip the cardholder may give: at most the amount itself (a slip of the finger must not
 * double a bill), and never one that takes amount + tip + cashback past MAX_TOTAL.
 */
export const maxTip = (amount: number, cashbackAmount: number | null | undefined): number => Math.max(0, Math.min(amount, MAX_TOTAL - amount - (cashbackAmount ?? 0)));

/** The choices as the screen shows them, each percentage with its amount: only those within maxTip. */
export const tipChoices = (amount: number, percentages: readonly number[], cashbackAmount: number | null | undefined) =>
  percentages.map((percent) => ({ percent, amount: tipFor(amount, percent) })).filter((choice) => choice.amount <= maxTip(amount, cashbackAmount));
