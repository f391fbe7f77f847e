#!/usr/bin/env node
// The machine's own event-loop noise: a process that does nothing but turn its event loop (the same
// setImmediate chain as purge-probe.mjs) until its standard input closes (at most MAX_MS), then
// prints one JSON line with the longest gap it saw.
import { performance } from 'node:perf_hooks';

const MAX_MS = 600_000;
const until = performance.now() + MAX_MS;
let stop = false;
process.stdin.on('end', () => (stop = true)).resume();
let maxGapMs = 0;
let turns = 0;
let last = performance.now();
await new Promise((resolve) => {
  const chain = () => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
    turns += 1;
    if (!stop && now < until) setImmediate(chain);
    else resolve();
  };
  setImmediate(chain);
});
process.stdout.write(`${JSON.stringify({ maxStallMs: maxGapMs, turns })}\n`);
process.exit(0);
