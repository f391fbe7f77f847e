// npm run bench:bridge — the payment-app bridge against the built-in simulator, in the same run.
// Two eposd processes (tsc's dist/main.js, both alike): one with EPOSD_DRIVER=simulator, one with
// EPOSD_DRIVER=bridge driving eposd-bridge-sim over a Unix socket. Card and host delays are 0 on both
// sides, so what differs is the bridge's own cost. Sales alternate in blocks between the two.
//   ack:      POST /transaction, sent to answered (the terminal idle before each).
//   delivery: POST answered to the POS holding the final status, by long-poll (wait=10): the whole
//             payment through the driver (stage events, result, commit, the answer).
// BRIDGE_BENCH_COUNT sales on each (default 200). Not part of CI: run it by hand.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { call, httpsAgent } from './lib/client.mjs';
import { killAll, outcome, pair, startEposd, UNBUNDLED } from './lib/eposd.mjs';
import { ROOT } from './lib/paths.mjs';
import { quantile, sorted } from './lib/stats.mjs';

const COUNT = Number(process.env.BRIDGE_BENCH_COUNT ?? 200);
const BLOCK = 25;
const dir = mkdtempSync(join(tmpdir(), 'eposd-bench-bridge-'));
const socket = join(dir, 'bridge.sock');

function startBridgeSim() {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'bridge-sim', 'main.js'), '--socket', socket], {
    env: { ...process.env, EPOSD_SIM_CARD_DELAY_MS: '0', EPOSD_SIM_AUTH_DELAY_MS: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => line.startsWith('eposd-bridge-sim ready') && resolve(child));
    child.once('exit', (code) => reject(new Error(`eposd-bridge-sim exited ${code}`)));
  });
}

async function oneSale(t, i) {
  for (let attempt = 0; ; attempt++) {
    const t0 = performance.now();
    const res = await call(t.agent, 'POST', `${t.eposd.apiUrl}/transaction?disablePrinting=true`, { token: t.token, body: { transType: 'SALE', amountTrans: 1000, reference: `b-${i}` } });
    const ack = performance.now() - t0;
    if ((res.status === 409 || res.status === 503) && attempt < 1000) {
      await new Promise((r) => setTimeout(r, 1));
      continue;
    }
    if (res.status !== 200) throw new Error(`${t.name}: POST answered ${res.status} ${res.text}`);
    const t1 = performance.now();
    const final = await outcome(t.eposd, t.agent, t.token, res.body.uti);
    if (final.status !== 'APPROVED') throw new Error(`${t.name}: ${final.status}`);
    return { ack, delivery: performance.now() - t1 };
  }
}

const stats = (xs) => {
  const s = sorted(xs);
  return { p50: quantile(s, 0.5), p95: quantile(s, 0.95), mean: xs.reduce((a, b) => a + b, 0) / xs.length };
};
const ms = (x) => x.toFixed(2).padStart(8);

let sim;
try {
  sim = await startBridgeSim();
  const terminals = [];
  for (const [name, env] of [
    ['built-in simulator', { EPOSD_DRIVER: 'simulator' }],
    ['bridge (eposd-bridge-sim, Unix socket)', { EPOSD_DRIVER: 'bridge', EPOSD_BRIDGE_SOCKET: socket }],
  ]) {
    const eposd = await startEposd(join(dir, name.split(' ')[0]), env, { main: UNBUNDLED });
    const agent = httpsAgent();
    terminals.push({ name, eposd, agent, token: await pair(eposd, agent, 'bench'), ack: [], delivery: [] });
  }
  for (const t of terminals) for (let i = 0; i < 10; i++) await oneSale(t, `warm-${i}`);
  for (let done = 0; done < COUNT; done += BLOCK) {
    for (const t of terminals) {
      for (let i = done; i < Math.min(COUNT, done + BLOCK); i++) {
        const r = await oneSale(t, i);
        t.ack.push(r.ack);
        t.delivery.push(r.delivery);
      }
    }
  }
  console.log(`bridge bench: ${COUNT} sales on each, alternating blocks of ${BLOCK}, Node ${process.version}`);
  console.log(`${'driver'.padEnd(40)} ${'ack p50'.padStart(8)} ${'ack p95'.padStart(8)} ${'del p50'.padStart(8)} ${'del p95'.padStart(8)}  (ms)`);
  const [builtIn, bridge] = terminals.map((t) => ({ name: t.name, ack: stats(t.ack), delivery: stats(t.delivery) }));
  for (const r of [builtIn, bridge]) console.log(`${r.name.padEnd(40)} ${ms(r.ack.p50)} ${ms(r.ack.p95)} ${ms(r.delivery.p50)} ${ms(r.delivery.p95)}`);
  const ratio = bridge.ack.p50 / builtIn.ack.p50;
  console.log(`ack p50 ratio bridge / built-in: ${ratio.toFixed(3)} (goal ≤ 1.1) — ${ratio <= 1.1 ? 'met' : 'NOT met'}`);
  console.log(`delivery p50 ratio bridge / built-in: ${(bridge.delivery.p50 / builtIn.delivery.p50).toFixed(3)}`);
  for (const t of terminals) await t.eposd.stop();
} finally {
  sim?.kill('SIGKILL');
  killAll();
  rmSync(dir, { recursive: true, force: true });
}
