/** Tipping: what the terminal offers when it asks the cardholder (tipOnTerminal). */

export const DEFAULT_TIP_PERCENTAGES: readonly number[] = [10, 15, 20];

/** A percentage of the amount, in the same minor units, rounded half up: 15% of 1250 → 188. */
export const tipFor = (amount: number, percent: number): number => Math.round((amount * percent) / 100);

/** The choices as the screen shows them: each percentage with its amount. */
export const tipChoices = (amount: number, percentages: readonly number[]) => percentages.map((percent) => ({ percent, amount: tipFor(amount, percent) }));

/** A custom tip may be at most the amount itself: a slip of the finger must not double a bill. */
export const maxCustomTip = (amount: number): number => amount;
