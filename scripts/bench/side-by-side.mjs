#!/usr/bin/env node
// node scripts/bench/side-by-side.mjs [acks] [status rounds] [bundle ...]: the bench's acknowledgement and
// status sections alone (defaults: 1,000 POSTs; 3 rounds of 3 s), eposd against the baseline.
//
// With no bundle, this checkout's (run it in two checkouts one after the other, each after `npm run
// build`). With bundles (e.g. another worktree's dist/bundle/main.js beside this one's), each round
// runs every bundle in turn, each with a baseline of its own, for three rounds (ROUNDS=n), so that two versions
// of eposd are compared in the same minutes: the ratios to the baseline are what to compare, the
// machine's drift weighs on both. DELIVERY=n adds, each round, n long-polled sales on an eposd of their
// own (the bench's result delivery: card after 200 ms, host after 100 ms).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ackLatency } from './ack.mjs';
import { alternate } from './status.mjs';
import { AUTH_DELAY_MS, CARD_DELAY_MS, longPollDelivery } from './delivery.mjs';
import { killAllBaselines, startBaseline } from './lib/baseline.mjs';
import { httpsAgent } from './lib/client.mjs';
import { BUNDLE, killAll, outcome, pair, sale, startEposd } from './lib/eposd.mjs';
import { mean } from './lib/stats.mjs';

const acks = Number(process.argv[2] ?? 1000);
const rounds = Number(process.argv[3] ?? 3);
const bundles = process.argv.slice(4);
const ROUNDS_OF_BUNDLES = Number(process.env.ROUNDS ?? 3);
const root = mkdtempSync(join(tmpdir(), 'eposd-side-by-side-'));
const ratio = (a, b) => (a / b).toFixed(2);
const deliveries = Number(process.env.DELIVERY ?? 0);

/** `count` long-polled sales on an eposd (`main`) of their own: outcome → POS, p50 / p99 / max in ms. */
async function measureDelivery(dir, main, count) {
  const eposd = await startEposd(dir, { EPOSD_SIM_CARD_DELAY_MS: String(CARD_DELAY_MS), EPOSD_SIM_AUTH_DELAY_MS: String(AUTH_DELAY_MS) }, { main });
  const agent = httpsAgent();
  try {
    const r = await longPollDelivery({ eposd, token: await pair(eposd, agent, 'delivery'), count, log: () => {} });
    console.log(`${main}: long-poll delivery p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms (${count} sales)`);
    return r;
  } finally {
    agent.destroy();
    await eposd.stop();
  }
}

/** One eposd (`main`) and its baselines in `dir`: the acknowledgement, then (rounds > 0) the status lookups. */
async function measure(dir, main, statusRounds) {
  const eposd = await startEposd(join(dir, 'main'), { EPOSD_SIM_CARD_DELAY_MS: '0', EPOSD_SIM_AUTH_DELAY_MS: '0' }, { main });
  const agent = httpsAgent();
  try {
    const token = await pair(eposd, agent, 'bench');
    const certDir = join(dir, 'main', 'certs');
    const ackBaseline = await startBaseline({ certDir, dbFile: join(dir, 'ack-baseline', 'baseline.db') });
    const ack = await ackLatency({ eposd, token, baseline: ackBaseline, count: acks, log: () => {} });
    await ackBaseline.stop();
    console.log(
      `${main}: ack p50 ${ack.eposd.p50.toFixed(2)} ms (${ack.eposd.n} POSTs, ${ack.busy.n} answered 409 and sent again, not counted), baseline ${ack.baseline.p50.toFixed(2)} ms (${ack.baseline.n}), ratio ${ratio(ack.eposd.p50, ack.baseline.p50)}`,
    );
    if (statusRounds === 0) return ack.eposd.p50 / ack.baseline.p50;
    const last = await sale(eposd, agent, token, { reference: 'status-target' });
    const statusBody = join(dir, 'status-body.json');
    writeFileSync(statusBody, JSON.stringify(await outcome(eposd, agent, token, last.uti)));
    const baseline = await startBaseline({ certDir, dbFile: join(dir, 'status-baseline', 'baseline.db'), statusBody });
    const path = `/payntpos/1.0.0/transaction?uti=${last.uti}`;
    const status = await alternate(
      { eposd: { origin: new URL(eposd.apiUrl).origin, paths: [path], token }, baseline: { origin: new URL(baseline.url).origin, paths: [path] } },
      { rounds: statusRounds, durationS: 3, connections: 50, log: (m) => process.stderr.write(`${m}\n`) },
    );
    await baseline.stop();
    console.log(`${main}: status ${status.eposd.rps.toFixed(0)} req/s, baseline ${status.baseline.rps.toFixed(0)} req/s, ratio ${ratio(status.eposd.rps, status.baseline.rps)}`);
    return ack.eposd.p50 / ack.baseline.p50;
  } finally {
    agent.destroy();
    await eposd.stop();
  }
}

try {
  if (bundles.length === 0) await measure(root, BUNDLE, rounds);
  else {
    const ratios = new Map(bundles.map((b) => [b, []]));
    const delivered = new Map(bundles.map((b) => [b, []]));
    for (let r = 0; r < ROUNDS_OF_BUNDLES; r++) {
      for (const [i, b] of bundles.entries()) {
        ratios.get(b).push(await measure(join(root, `${r}-${i}`), b, rounds));
        if (deliveries > 0) delivered.get(b).push(await measureDelivery(join(root, `${r}-${i}-delivery`), b, deliveries));
      }
    }
    for (const [b, rs] of ratios) console.log(`${b}: ack p50 ratio, mean of ${rs.length} rounds: ${mean(rs).toFixed(2)} (${rs.map((x) => x.toFixed(2)).join(', ')})`);
    for (const [b, ds] of delivered) if (ds.length > 0) console.log(`${b}: long-poll delivery p50 / p99 per round: ${ds.map((d) => `${d.p50} / ${d.p99}`).join(', ')} ms`);
  }
} finally {
  killAll();
  killAllBaselines();
  rmSync(root, { recursive: true, force: true });
}
