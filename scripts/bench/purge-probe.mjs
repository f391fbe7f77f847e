#!/usr/bin/env node
// Runs eposd's retention purge in this process, on a database whose expired rows the bench seeded,
// and measures the longest event-loop stall while it runs. The terminal is built the way main.ts
// builds it (createContext from the configuration, real clock, the database file in WAL with
// synchronous=FULL); nothing listens, nothing else runs.
//
// Two probes: a setImmediate chain (the gap between two of its turns is how long the loop was held:
// the purge yields with setImmediate between batches, so the chain runs between any two batches), and
// perf_hooks.monitorEventLoopDelay at 1 ms resolution. Prints one JSON line.
//
//   node purge-probe.mjs <data dir>
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { ROOT } from './lib/paths.mjs';

const require = createRequire(import.meta.url);
const { loadConfig } = require(join(ROOT, 'dist', 'config', 'config.js'));
const { createContext } = require(join(ROOT, 'dist', 'context.js'));

const config = loadConfig({ EPOSD_DATA_DIR: process.argv[2], EPOSD_LOG_LEVEL: 'silent' });
const ctx = createContext(config, '0'.repeat(64), { screenOut: () => undefined, addresses: [] });
const before = ctx.db.prepare('SELECT count(*) FROM transactions').pluck().get();
// A terminal that has been running has written since it opened: the first write of a connection
// creates the write-ahead log, which is not the purge's doing.
ctx.audit.record('bench.warm-up', 'OK');

let running = true;
let maxGapMs = 0;
let turns = 0;
let last = performance.now();
const chain = () => {
  const now = performance.now();
  maxGapMs = Math.max(maxGapMs, now - last);
  last = now;
  turns += 1;
  if (running) setImmediate(chain);
};
const histogram = monitorEventLoopDelay({ resolution: 1 });

histogram.enable();
setImmediate(chain);
const started = performance.now();
const purged = await ctx.retention.purge();
const tookMs = performance.now() - started;
running = false;
histogram.disable();
const after = ctx.db.prepare('SELECT count(*) FROM transactions').pluck().get();
ctx.destroy();
process.stdout.write(`${JSON.stringify({ before, after, purged, tookMs, maxStallMs: maxGapMs, turns, loopDelayMaxMs: histogram.max / 1e6, loopDelayP99Ms: histogram.percentile(99) / 1e6 })}\n`);
