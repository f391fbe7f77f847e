/**
 * The q-quantile (0..1) of already sorted numbers, by nearest rank: the ⌈q·n⌉-th smallest sample, no
 * interpolation: p99 of 200 samples is the 198th smallest, of fewer than 100 the largest.
 */
export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export const sorted = (xs) => [...xs].sort((a, b) => a - b);
export const median = (xs) => quantile(sorted(xs), 0.5);
export const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Rounds for the JSON: 2 decimals, or null when the figure could not be measured. */
export const round = (x, digits = 2) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : null);
