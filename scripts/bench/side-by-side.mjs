#!/usr/bin/env node
// node scripts/bench/side-by-side.mjs [acks] [status rounds]: the bench's acknowledgement and status
// sections alone (defaults: 1,000 POSTs; 3 rounds of 3 s), eposd's bundle against the baseline. Run it
// in two checkouts one after the other (each after `npm run build`) to compare two versions of eposd in
// the same minutes: the ratios to the baseline are what to compare, the machine's drift weighs on both.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ackLatency } from './ack.mjs';
import { alternate } from './status.mjs';
import { killAllBaselines, startBaseline } from './lib/baseline.mjs';
import { httpsAgent } from './lib/client.mjs';
import { killAll, outcome, pair, sale, startEposd } from './lib/eposd.mjs';

const acks = Number(process.argv[2] ?? 1000);
const rounds = Number(process.argv[3] ?? 3);
const root = mkdtempSync(join(tmpdir(), 'eposd-side-by-side-'));
try {
  const eposd = await startEposd(join(root, 'main'), { EPOSD_SIM_CARD_DELAY_MS: '0', EPOSD_SIM_AUTH_DELAY_MS: '0' });
  const agent = httpsAgent();
  const token = await pair(eposd, agent, 'bench');
  const certDir = join(root, 'main', 'certs');
  const ackBaseline = await startBaseline({ certDir, dbFile: join(root, 'ack-baseline', 'baseline.db') });
  const ack = await ackLatency({ eposd, token, baseline: ackBaseline, count: acks, log: () => {} });
  await ackBaseline.stop();
  const last = await sale(eposd, agent, token, { reference: 'status-target' });
  const statusBody = join(root, 'status-body.json');
  writeFileSync(statusBody, JSON.stringify(await outcome(eposd, agent, token, last.uti)));
  const baseline = await startBaseline({ certDir, dbFile: join(root, 'status-baseline', 'baseline.db'), statusBody });
  const path = `/payntpos/1.0.0/transaction?uti=${last.uti}`;
  const status = await alternate(
    { eposd: { origin: new URL(eposd.apiUrl).origin, paths: [path], token }, baseline: { origin: new URL(baseline.url).origin, paths: [path] } },
    { rounds, durationS: 3, connections: 50, log: (m) => process.stderr.write(`${m}\n`) },
  );
  console.log(`ack p50 ${ack.eposd.p50.toFixed(2)} ms, baseline ${ack.baseline.p50.toFixed(2)} ms, ratio ${(ack.eposd.p50 / ack.baseline.p50).toFixed(2)}`);
  console.log(`status ${status.eposd.rps.toFixed(0)} req/s, baseline ${status.baseline.rps.toFixed(0)} req/s, ratio ${(status.eposd.rps / status.baseline.rps).toFixed(2)}`);
  agent.destroy();
  await baseline.stop();
  await eposd.stop();
} finally {
  killAll();
  killAllBaselines();
  rmSync(root, { recursive: true, force: true });
}
