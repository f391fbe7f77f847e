// npm run bench:bridge — what the payment-app bridge adds where the bridge is: result delivery.
// Two eposd processes (tsc's dist/main.js, both alike): one with EPOSD_DRIVER=simulator, one with
// EPOSD_DRIVER=bridge driving eposd-bridge-sim over a Unix socket. Card and host delays are 0 on both
// sides, so what differs is the bridge's own cost: payment.start, the stage events and the result over
// the socket, each checked against the schema, and the one rule that judges the result.
//   delivery: the POST sent to the outcome read by the POS's long-poll (wait=10): the whole payment.
//   ack:      the POST sent to its answer (shown beside it; the ack does not wait for the app).
// Sales alternate in blocks of 25 between the two, BRIDGE_BENCH_COUNT on each (default 200, at least 200
// for the goal's figure). A busy (409) or unavailable (503) answer is counted and shown, and the sale is
// asked for again once the terminal is free; its time is not in the figures. Goal: delivery p50 through
// the bridge ≤ 1.1 × the built-in simulator's. Not part of CI: run it by hand.
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
const GOAL = 1.1;
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

/** One sale: its delivery and ack times, once accepted; the refusals before that are counted on `t`. */
async function oneSale(t, i) {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const t0 = performance.now();
    const res = await call(t.agent, 'POST', `${t.eposd.apiUrl}/transaction?disablePrinting=true`, { token: t.token, body: { transType: 'SALE', amountTrans: 1000, reference: `b-${i}` } });
    const ack = performance.now() - t0;
    if (res.status === 409 || res.status === 503) {
      t.refused[res.status] = (t.refused[res.status] ?? 0) + 1;
      await new Promise((r) => setTimeout(r, 5));
      continue;
    }
    if (res.status !== 200) throw new Error(`${t.name}: POST answered ${res.status} ${res.text}`);
    const final = await outcome(t.eposd, t.agent, t.token, res.body.uti);
    if (final.status !== 'APPROVED') throw new Error(`${t.name}: ${final.status}`);
    return { ack, delivery: performance.now() - t0 };
  }
  throw new Error(`${t.name}: refused 1000 times in a row`);
}

const figures = (xs) => {
  const s = sorted(xs);
  return { n: s.length, p50: quantile(s, 0.5), p99: quantile(s, 0.99) };
};
const ms = (x) => x.toFixed(2).padStart(8);

let sim;
try {
  sim = await startBridgeSim();
  const terminals = [];
  for (const [name, env] of [
    ['built-in simulator', { EPOSD_DRIVER: 'simulator' }],
    // The start waits for the app, so that no sale meets a terminal still connecting.
    ['bridge (eposd-bridge-sim, Unix socket)', { EPOSD_DRIVER: 'bridge', EPOSD_BRIDGE_SOCKET: socket, EPOSD_BRIDGE_WAIT_MS: '10000' }],
  ]) {
    const eposd = await startEposd(join(dir, name.split(' ')[0]), env, { main: UNBUNDLED });
    const agent = httpsAgent();
    terminals.push({ name, eposd, agent, token: await pair(eposd, agent, 'bench'), ack: [], delivery: [], refused: {} });
  }
  for (const t of terminals) for (let i = 0; i < 10; i++) await oneSale(t, `warm-${i}`);
  for (const t of terminals) t.refused = {};
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
  console.log(`${'driver'.padEnd(40)} ${'n'.padStart(5)} ${'del p50'.padStart(8)} ${'del p99'.padStart(8)} ${'ack p50'.padStart(8)} ${'ack p99'.padStart(8)}  refused (409/503)`);
  const [builtIn, bridge] = terminals.map((t) => ({ name: t.name, delivery: figures(t.delivery), ack: figures(t.ack), refused: t.refused }));
  for (const r of [builtIn, bridge]) {
    console.log(
      `${r.name.padEnd(40)} ${String(r.delivery.n).padStart(5)} ${ms(r.delivery.p50)} ${ms(r.delivery.p99)} ${ms(r.ack.p50)} ${ms(r.ack.p99)}  ${r.refused[409] ?? 0}/${r.refused[503] ?? 0}`,
    );
  }
  const ratio = bridge.delivery.p50 / builtIn.delivery.p50;
  console.log(`delivery p50 ratio bridge / built-in: ${ratio.toFixed(3)} (goal ≤ ${GOAL}, ${bridge.delivery.n} and ${builtIn.delivery.n} sales) — ${ratio <= GOAL ? 'met' : 'NOT met'}`);
  console.log(`delivery p99 ratio bridge / built-in: ${(bridge.delivery.p99 / builtIn.delivery.p99).toFixed(3)}`);
  for (const t of terminals) await t.eposd.stop();
} finally {
  sim?.kill('SIGKILL');
  killAll();
  rmSync(dir, { recursive: true, force: true });
}
