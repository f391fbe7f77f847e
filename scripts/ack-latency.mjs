#!/usr/bin/env node
// Acknowledgement latency of POST /transaction over HTTPS keep-alive, and the database size per
// transaction. Starts `node dist/main.js` with the simulator's delays at 0 on ephemeral ports in a
// temporary directory, pairs, then sends sequential SALEs. Each POST is timed alone; after it, a GET
// loop waits for the outcome (the terminal runs one transaction at a time), and that wait is not
// counted. Then the server is stopped, the WAL checkpointed, and the files measured.
//
//   npm run ack-latency               # builds, then 1,000 sales
//   node scripts/ack-latency.mjs 200  # another count
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = join(ROOT, 'dist', 'main.js');
const COUNT = Number(process.argv[2] ?? 1000);
const READY_TIMEOUT_MS = 30_000;
const EXIT_TIMEOUT_MS = 10_000;
const OUTCOME_TIMEOUT_MS = 10_000;

if (!Number.isInteger(COUNT) || COUNT < 1) {
  console.error('usage: ack-latency.mjs [sales]');
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'eposd-ack-latency-'));
const dataDir = join(dir, 'data');
const certDir = join(dir, 'certs');
const agent = new Agent({ keepAlive: true, maxSockets: 1, rejectUnauthorized: false });
let child;

function cleanup() {
  agent.destroy();
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => process.exit(130));

/** Starts eposd; resolves with the API and screen URLs and the TID from its ready line. */
function startEposd() {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EPOSD_')));
  child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: {
      ...inherited,
      EPOSD_PORT: '0',
      EPOSD_SCREEN_PORT: '0',
      EPOSD_HOST: '127.0.0.1',
      EPOSD_DATA_DIR: dataDir,
      EPOSD_CERT_DIR: certDir,
      EPOSD_SIM_CARD_DELAY_MS: '0',
      EPOSD_SIM_AUTH_DELAY_MS: '0',
    },
    // The log (stderr, level info as shipped) is written as usual but not kept.
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('eposd was not ready in time')), READY_TIMEOUT_MS);
    child.once('exit', (code, signal) => reject(new Error(`eposd exited (${code ?? signal}) before it was ready`)));
    // Keep reading standard output (a [screen] line per step) so that the pipe never fills.
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^eposd ready api=(\S+) screen=(\S+) tid=(\S+)/.exec(line);
      if (!m) return;
      clearTimeout(timer);
      resolve({ api: m[1], screen: m[2], tid: m[3] });
    });
  });
}

function stopEposd() {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('eposd did not stop on SIGTERM'));
    }, EXIT_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
    child.kill('SIGTERM');
  });
}

let newConnections = 0;

/** One HTTPS request on the keep-alive agent; resolves with status and parsed body. */
function call(method, url, { token, body } = {}) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = token;
  if (payload !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode, body: text ? JSON.parse(text) : undefined });
      });
      res.on('error', reject);
    });
    req.on('socket', () => {
      if (!req.reusedSocket) newConnections += 1;
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** The screen is plain HTTP on loopback. */
async function getJson(url) {
  const res = await fetch(url);
  return res.json();
}

async function waitForOutcome(api, token, uti) {
  const deadline = Date.now() + OUTCOME_TIMEOUT_MS;
  for (;;) {
    const res = await call('GET', `${api}/transaction?uti=${uti}`, { token });
    if (res.status === 200) return res.body;
    if (res.status !== 202) throw new Error(`GET /transaction answered ${res.status}: ${JSON.stringify(res.body)}`);
    if (Date.now() > deadline) throw new Error(`${uti} still in progress after ${OUTCOME_TIMEOUT_MS} ms`);
    await new Promise((r) => setImmediate(r));
  }
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const fmt = (ms) => `${ms.toFixed(2)} ms`;
const size = (file) => (existsSync(file) ? statSync(file).size : 0);
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

/** An empty database of the current schema: what every terminal starts with, whatever it does later. */
function emptyDatabaseBytes() {
  const require = createRequire(import.meta.url);
  const { openDatabase } = require(join(ROOT, 'dist', 'db', 'open.js'));
  const file = join(dir, 'empty', 'eposd.db');
  const db = openDatabase(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return size(file) + size(`${file}-wal`);
}

async function main() {
  const { api, screen, tid } = await startEposd();
  const code = (await getJson(`${screen}screen`)).pairingCode;
  const paired = await call('GET', `${api}/pair?pairingCode=${code}&registerId=ack-latency`);
  if (paired.status !== 200) throw new Error(`pairing failed: ${paired.status} ${JSON.stringify(paired.body)}`);
  const token = paired.body.authToken;

  const latencies = [];
  const outcomes = {};
  let busyRetries = 0;
  for (let i = 0; i < COUNT; i++) {
    let res;
    let elapsed;
    for (;;) {
      const t0 = performance.now();
      res = await call('POST', `${api}/transaction?tid=${tid}&disablePrinting=false`, { token, body: { transType: 'SALE', reference: `ack-${i}`, amountTrans: 1000 } });
      elapsed = performance.now() - t0;
      // The outcome is committed as the receipts start printing; the terminal is free once they are out.
      if (res.status === 409 && res.body?.code === 'TERMINAL_BUSY') {
        busyRetries += 1;
        await new Promise((r) => setImmediate(r));
        continue;
      }
      break;
    }
    if (res.status !== 200) throw new Error(`POST /transaction answered ${res.status}: ${JSON.stringify(res.body)}`);
    latencies.push(elapsed);
    const outcome = await waitForOutcome(api, token, res.body.uti);
    outcomes[outcome.status] = (outcomes[outcome.status] ?? 0) + 1;
  }
  const exit = await stopEposd();

  const sorted = [...latencies].sort((a, b) => a - b);
  const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
  console.log(`POST /transaction acknowledgement latency, ${COUNT} sequential SALEs over HTTPS keep-alive (${newConnections} TLS connection(s) opened in all)`);
  console.log(`  p50 ${fmt(quantile(sorted, 0.5))}  p99 ${fmt(quantile(sorted, 0.99))}  mean ${fmt(mean)}  min ${fmt(sorted[0])}  max ${fmt(sorted.at(-1))}`);
  console.log(`  outcomes: ${JSON.stringify(outcomes)}; POSTs retried after TERMINAL_BUSY: ${busyRetries}; server exit: ${exit.code ?? exit.signal}`);

  const file = join(dataDir, 'eposd.db');
  const db = new Database(file);
  const transactions = db.prepare('SELECT count(*) FROM transactions').pluck().get();
  const events = db.prepare('SELECT count(*) FROM transaction_events').pluck().get();
  db.pragma('wal_checkpoint(TRUNCATE)');
  const pageBytes = db.pragma('page_count', { simple: true }) * db.pragma('page_size', { simple: true });
  let perTable = [];
  try {
    perTable = db.prepare(`SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC LIMIT 8`).all();
  } catch {
    // dbstat is not compiled in: the per-table split is only a detail.
  }
  db.close();
  const fileBytes = size(file) + size(`${file}-wal`);
  const empty = emptyDatabaseBytes();
  console.log(`Database after ${transactions} transactions (${events} events), checkpointed with wal_checkpoint(TRUNCATE):`);
  console.log(`  eposd.db + eposd.db-wal = ${fileBytes} bytes (${kib(fileBytes)}); page_count*page_size = ${pageBytes} bytes`);
  console.log(`  per transaction: ${(fileBytes / transactions).toFixed(0)} bytes; above an empty database (${empty} bytes): ${((fileBytes - empty) / transactions).toFixed(0)} bytes`);
  if (perTable.length > 0) console.log(`  largest tables and indexes: ${perTable.map((r) => `${r.name} ${kib(r.bytes)}`).join(', ')}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`ack-latency: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
