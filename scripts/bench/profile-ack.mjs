#!/usr/bin/env node
// node scripts/bench/profile-ack.mjs [acks] [dir]: eposd's bundle under --cpu-prof answering sequential
// POST /transaction (as the bench's acknowledgement figure sends them) and, between them, GET /transaction
// until the outcome; the .cpuprofile is written into dir (default: a temporary folder, path printed).
// PROFILE_MAIN=dist/main.js profiles tsc's output instead, with the source's function names. Read it
// with `node scripts/bench/profile-top.mjs <file>` or in Chrome's DevTools. For profiling by hand:
// nothing here is a figure (after `npm run build`).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpsAgent, call } from './lib/client.mjs';
import { killAll, outcome, pair, startEposd } from './lib/eposd.mjs';

const count = Number(process.argv[2] ?? 2000);
const out = process.argv[3] ?? mkdtempSync(join(tmpdir(), 'eposd-profile-'));
try {
  const eposd = await startEposd(join(out, 'terminal'), {}, { nodeArgs: ['--cpu-prof', '--cpu-prof-interval=250', `--cpu-prof-dir=${out}`], main: process.env.PROFILE_MAIN ?? undefined });
  const agent = httpsAgent();
  const token = await pair(eposd, agent, 'profile');
  for (let i = 0; i < count; i++) {
    const res = await call(agent, 'POST', `${eposd.apiUrl}/transaction?tid=${eposd.tid}&disablePrinting=true`, { token, body: { transType: 'SALE', reference: `p-${i}`, amountTrans: 1000 } });
    if (res.status !== 200) throw new Error(`POST /transaction answered ${res.status}: ${res.text}`);
    await outcome(eposd, agent, token, res.body.uti, { longPoll: false });
  }
  agent.destroy();
  await eposd.stop();
  console.log(out);
} finally {
  killAll();
}
