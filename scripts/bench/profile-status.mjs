#!/usr/bin/env node
// node scripts/bench/profile-status.mjs [seconds] [dir]: eposd's bundle under --cpu-prof answering
// GET /transaction of one final UTI from autocannon (50 connections), as the bench's status figure
// does; the .cpuprofile is written into dir (path printed). PROFILE_MAIN=<file> runs another build.
// For profiling by hand (profile-top.mjs reads the file): nothing here is a figure.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cannon } from './status.mjs';
import { httpsAgent } from './lib/client.mjs';
import { quantile, sorted } from './lib/stats.mjs';
import { killAll, outcome, pair, sale, startEposd } from './lib/eposd.mjs';

const seconds = Number(process.argv[2] ?? 8);
const out = process.argv[3] ?? mkdtempSync(join(tmpdir(), 'eposd-profile-'));
try {
  const profiling = process.env.NO_PROFILE ? [] : ['--cpu-prof', '--cpu-prof-interval=250', `--cpu-prof-dir=${out}`];
  const eposd = await startEposd(join(out, 'terminal'), {}, { nodeArgs: profiling, main: process.env.PROFILE_MAIN ?? undefined });
  const agent = httpsAgent();
  const token = await pair(eposd, agent, 'profile');
  const { uti } = await sale(eposd, agent, token, { reference: 'status-target' });
  await outcome(eposd, agent, token, uti);
  const r = await cannon({ origin: new URL(eposd.apiUrl).origin, paths: [`/payntpos/1.0.0/transaction?uti=${uti}`], token, connections: 50, durationS: seconds });
  console.log(`${r.rps.toFixed(0)} req/s, p99 ${quantile(sorted(r.latencies), 0.99).toFixed(2)} ms (${r.total} responses)`);
  agent.destroy();
  await eposd.stop();
  console.log(out);
} finally {
  killAll();
}
