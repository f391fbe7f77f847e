import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../helpers/process';
import { SCALE } from './scale';

// Every fault test prints its figures as one line, and appends it to test-output/faults-figures.log
// (ignored by git) so that a long run leaves a record of what it measured.

const LOG = join(ROOT, 'test-output', 'faults-figures.log');

function show(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(2);
  if (typeof v === 'string') return /\s/.test(v) ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

export function figures(item: string, values: Record<string, unknown>): string {
  const line = `[faults ${SCALE}] ${item}: ${Object.entries(values)
    .map(([k, v]) => `${k}=${show(v)}`)
    .join(' ')}`;
  console.log(line);
  mkdirSync(join(ROOT, 'test-output'), { recursive: true });
  appendFileSync(LOG, `${new Date().toISOString()} ${line}\n`);
  return line;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const median = (values: readonly number[]): number => percentile(values, 50);

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts of each distinct value, e.g. of HTTP statuses. */
export function tally<T extends string | number>(values: Iterable<T>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[String(v)] = (out[String(v)] ?? 0) + 1;
  return out;
}
