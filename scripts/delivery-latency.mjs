#!/usr/bin/env node
// Result-delivery latency: from the simulator's outcome to the POS having it, for a POS that
// long-polls (`GET /transaction?wait=30`) and for one that polls every second.
//
//   npm run delivery-latency                 # builds, then 200 sales each way (about 5 minutes)
//   node scripts/delivery-latency.mjs 50
//
// It starts `node dist/main.js` on ephemeral ports in a temporary directory, with the simulated card
// after 200 ms and the host answering after 100 ms, so that the outcome comes well after the POST.
// It pairs through the screen port, then runs the sales one after the other (one transaction at a
// time, as the terminal does) over one keep-alive HTTPS connection.
//
// The outcome instant is the status's `completedAt` (stamped by the state machine when it ends the
// payment, before the commit); the POS has it when its answer has been parsed (Date.now()). Both
// clocks are this machine's, at millisecond precision.
//
// The polling POS polls every 1000 ms from a random phase after its POST: a card is presented after a
// time that varies from one customer to the next, so the outcome falls anywhere between two polls.
import { spawn } from 'node:child_process';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = join(ROOT, 'dist', 'main.js');
const SALES = Number(process.argv[2] ?? 200);
const CARD_DELAY_MS = 200;
const AUTH_DELAY_MS = 100;
const LONG_POLL_WAIT_S = 30;
const POLL_INTERVAL_MS = 1000;
const READY_TIMEOUT_MS = 30_000;
const EXIT_TIMEOUT_MS = 10_000;
const READY = /^eposd ready api=(\S+) screen=(\S+) /;

if (!Number.isInteger(SALES) || SALES < 1) {
  console.error('usage: delivery-latency.mjs [sales]');
  process.exit(2);
}

const httpsAgent = new HttpsAgent({ keepAlive: true, rejectUnauthorized: false });
const httpAgent = new HttpAgent({ keepAlive: true });

/** One request; resolves with the status, the parsed body and the instant the answer was parsed. */
function call(url, { method = 'GET', headers = {}, body } = {}) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const https = url.startsWith('https:');
  return new Promise((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(
      url,
      {
        method,
        agent: https ? httpsAgent : httpAgent,
        headers: { accept: 'application/json', ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          const parsed = text ? JSON.parse(text) : undefined;
          resolve({ status: res.statusCode, body: parsed, arrivedAt: Date.now() });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Starts eposd and resolves once it is ready, with its URLs and a stop function. */
function startEposd(dir) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EPOSD_')));
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: {
      ...env,
      EPOSD_PORT: '0',
      EPOSD_SCREEN_PORT: '0',
      EPOSD_HOST: '127.0.0.1',
      EPOSD_DATA_DIR: join(dir, 'data'),
      EPOSD_CERT_DIR: join(dir, 'certs'),
      EPOSD_SIM_MODE: 'auto',
      EPOSD_SIM_CARD_DELAY_MS: String(CARD_DELAY_MS),
      EPOSD_SIM_AUTH_DELAY_MS: String(AUTH_DELAY_MS),
      EPOSD_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const closed = new Promise((resolve) => child.on('close', resolve));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const killer = setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
    child.kill('SIGTERM');
    await closed;
    clearTimeout(killer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`eposd was not ready within ${READY_TIMEOUT_MS} ms:\n${stderr}`));
    }, READY_TIMEOUT_MS);
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = READY.exec(line);
      if (!m) return;
      clearTimeout(timer);
      resolve({ apiUrl: m[1], screenUrl: m[2], stop });
    });
    void closed.then((code) => {
      clearTimeout(timer);
      reject(new Error(`eposd exited (${code}) before it was ready:\n${stderr}`));
    });
  });
}

const sleepUntil = (at) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

async function startSale(eposd, token, i) {
  const res = await call(`${eposd.apiUrl}/transaction?disablePrinting=true`, {
    method: 'POST',
    headers: { authorization: token },
    body: { transType: 'SALE', amountTrans: 1000, reference: `latency-${i}` },
  });
  if (res.status !== 200) throw new Error(`POST /transaction answered ${res.status}: ${JSON.stringify(res.body)}`);
  return { uti: res.body.uti, postedAt: res.arrivedAt };
}

/** The outcome through long-polls: resolves with the latency and the number of GETs it took. */
async function longPollSale(eposd, token, i) {
  const { uti } = await startSale(eposd, token, i);
  for (let requests = 1; ; requests++) {
    const res = await call(`${eposd.apiUrl}/transaction?uti=${uti}&wait=${LONG_POLL_WAIT_S}`, { headers: { authorization: token } });
    if (res.status === 200) return { latencyMs: res.arrivedAt - Date.parse(res.body.completedAt), requests, approved: res.body.transApproved };
    if (res.status !== 202) throw new Error(`GET /transaction answered ${res.status}`);
  }
}

/** The outcome through plain polls every POLL_INTERVAL_MS, from a random phase after the POST. */
async function pollingSale(eposd, token, i) {
  const { uti, postedAt } = await startSale(eposd, token, i);
  let next = postedAt + Math.random() * POLL_INTERVAL_MS;
  for (let requests = 1; ; requests++) {
    await sleepUntil(next);
    const res = await call(`${eposd.apiUrl}/transaction?uti=${uti}`, { headers: { authorization: token } });
    if (res.status === 200) return { latencyMs: res.arrivedAt - Date.parse(res.body.completedAt), requests, approved: res.body.transApproved };
    if (res.status !== 202) throw new Error(`GET /transaction answered ${res.status}`);
    next += POLL_INTERVAL_MS;
  }
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(label, results) {
  const sorted = results.map((r) => r.latencyMs).sort((a, b) => a - b);
  const f = (ms) => `${ms.toFixed(0)} ms`.padStart(7);
  const perSale = results.reduce((n, r) => n + r.requests, 0) / results.length;
  const declined = results.filter((r) => !r.approved).length;
  return `${label.padEnd(26)} p50 ${f(percentile(sorted, 50))}   p99 ${f(percentile(sorted, 99))}   min ${f(sorted[0])}   max ${f(sorted.at(-1))}   GETs per sale ${perSale.toFixed(2)}${declined ? `   (${declined} not approved)` : ''}`;
}

async function run(label, sale, eposd, token) {
  const results = [];
  for (let i = 0; i < SALES; i++) {
    results.push(await sale(eposd, token, i));
    if (i % 20 === 19) process.stderr.write(`${label}: ${i + 1}/${SALES}\n`);
  }
  return results;
}

const dir = mkdtempSync(join(tmpdir(), 'eposd-latency-'));
let eposd;
const cleanup = async () => {
  await eposd?.stop();
  httpsAgent.destroy();
  httpAgent.destroy();
  rmSync(dir, { recursive: true, force: true });
};
process.on('SIGINT', () => void cleanup().finally(() => process.exit(130)));
try {
  eposd = await startEposd(dir);
  const screen = await call(`${eposd.screenUrl}screen`);
  const paired = await call(`${eposd.apiUrl}/pair?pairingCode=${screen.body.pairingCode}&registerId=latency`);
  if (paired.status !== 200) throw new Error(`pairing answered ${paired.status}`);
  const token = paired.body.authToken;

  const longPolled = await run('wait=30', longPollSale, eposd, token);
  const polled = await run('polling', pollingSale, eposd, token);
  console.log(`node ${process.version}, ${SALES} sequential sales each, card after ${CARD_DELAY_MS} ms, host after ${AUTH_DELAY_MS} ms;`);
  console.log('latency = the POS has parsed the final status - its completedAt:');
  console.log(summary(`long-poll (wait=${LONG_POLL_WAIT_S})`, longPolled));
  console.log(summary(`polling every ${POLL_INTERVAL_MS / 1000} s`, polled));
} finally {
  await cleanup();
}
