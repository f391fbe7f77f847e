#!/usr/bin/env node
// npm run bench:relay — the relay under a fleet's load, on this machine (docs/relay.md, "Measured").
//
// One Mosquitto (anonymous, loopback); RELAY_BENCH_TERMINALS simulated terminals (the real terminal
// side of the relay and its trust layer, dist/relay/, in front of an API that answers at once) shared by
// RELAY_BENCH_PROCESSES processes; one real eposd (dist/main.js) with its relay on; two eposd-relay
// gateways; RELAY_BENCH_CLIENTS POS clients for RELAY_BENCH_SECONDS, spread over both gateways, each
// request signed and each answer's signature checked. Then, on the real eposd, the relay's added latency
// as paired differences (relay-real.mjs): RELAY_BENCH_PAIRS status reads and RELAY_BENCH_PAYMENTS sales,
// each sent directly and through the relay one after the other, with the machine's load beside them.
// Prints a table, and the figures as JSON on the last line. A quick run is a test
// (test/e2e/relay/bench.test.ts), so that it cannot silently stop working.
import { fork, spawn } from 'node:child_process';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Agent } from 'node:https';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BENCH_DIR, ROOT } from './lib/paths.mjs';
import { killAll, startEposd, UNBUNDLED } from './lib/eposd.mjs';
import { procStats } from './lib/proc.mjs';
import { round } from './lib/stats.mjs';
import { BASE, pairedDifferences, send, stats } from './relay-real.mjs';

const require = createRequire(import.meta.url);
const { RelaySigner } = require(join(ROOT, 'dist', 'client', 'relay.js'));
const { newPosKey } = require(join(ROOT, 'dist', 'relay-trust', 'signatures.js'));

const env = (name, fallback) => Number(process.env[name] ?? fallback);
const TERMINALS = env('RELAY_BENCH_TERMINALS', 1000);
const PROCESSES = env('RELAY_BENCH_PROCESSES', 4);
const CLIENTS = env('RELAY_BENCH_CLIENTS', 40);
const SECONDS = env('RELAY_BENCH_SECONDS', 10);
const PAIRS = env('RELAY_BENCH_PAIRS', 500);
const PAYMENTS = env('RELAY_BENCH_PAYMENTS', 20);
const API_KEY = 'bench-platform-key-0123456789abcdefgh';
const FIRST_TID = 20_000_000;
const REAL_TID = '10000001';
// The simulated terminals' key, and the bench POS's relay key they all know.
const TERMINAL_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
const TERMINAL_SPKI = createPublicKey(TERMINAL_KEY).export({ type: 'spki', format: 'der' }).toString('base64url');
const POS_KEY = newPosKey();

const dir = mkdtempSync(join(tmpdir(), 'eposd-relay-bench-'));
const children = [];
const log = (line) => process.stderr.write(`${line}\n`);

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startBroker() {
  const port = await freePort();
  const conf = [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'max_queued_messages 10000', 'set_tcp_nodelay true', 'log_dest stderr', 'log_type error'];
  if (process.getuid?.() === 0) conf.push('user root');
  writeFileSync(join(dir, 'mosquitto.conf'), `${conf.join('\n')}\n`);
  const child = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  await new Promise((r) => setTimeout(r, 300));
  return { url: `mqtt://127.0.0.1:${port}`, pid: child.pid };
}

function startGateway(brokerUrl, name) {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'relay-gateway', 'main.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      RELAY_PORT: '0',
      RELAY_HOST: '127.0.0.1',
      RELAY_BROKER_URL: brokerUrl,
      RELAY_API_KEYS: API_KEY,
      RELAY_MAX_CONNECTIONS_PER_ADDRESS: '1024',
      RELAY_CERT_DIR: join(dir, `certs-${name}`),
      RELAY_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const url = /^eposd-relay ready url=(\S+)/.exec(line)?.[1];
      if (url) resolve({ url, pid: child.pid });
    });
    child.once('exit', (code) => reject(new Error(`gateway ${name} exited (${code})`)));
  });
}

function startTerminals(brokerUrl) {
  const per = Math.ceil(TERMINALS / PROCESSES);
  return Promise.all(
    Array.from({ length: PROCESSES }, (_, i) => {
      const count = Math.max(0, Math.min(per, TERMINALS - i * per));
      const child = fork(join(BENCH_DIR, 'relay-terminals.mjs'), [brokerUrl, String(FIRST_TID + i * per), String(count)], {
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        env: { ...process.env, RELAY_BENCH_TERMINAL_KEY: TERMINAL_KEY, RELAY_BENCH_POS_KEY: POS_KEY.publicKey },
      });
      children.push(child);
      return new Promise((resolve) => child.once('message', () => resolve(child)));
    }),
  );
}

async function fleetLoad(gateways) {
  // FIFO: every kept-alive socket is used in turn, so none idles past the gateway's idle timeout (5 s) to be
  // closed by it just as a request is written on it (a "socket hang up" of the load generator's own making).
  const agents = gateways.map(() => new Agent({ keepAlive: true, maxSockets: CLIENTS, rejectUnauthorized: false, scheduling: 'fifo' }));
  const latencies = [];
  let errors = 0;
  const firstError = [];
  const signers = new Map();
  const signerOf = (tid) => signers.get(tid) ?? signers.set(tid, new RelaySigner(tid, 'bench-pos', { posKey: POS_KEY.privateKey, terminalKey: TERMINAL_SPKI })).get(tid);
  const until = Date.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let i = 0; Date.now() < until; i++) {
        const tid = String(FIRST_TID + Math.floor(Math.random() * TERMINALS)).padStart(8, '0');
        const g = (c + i) % gateways.length;
        const post = i % 10 === 9;
        const apiPath = `/transaction${post ? '' : '?uti=bench'}`;
        const res = await send(agents[g], post ? 'POST' : 'GET', `${gateways[g].url}/terminals/${tid}${BASE}${apiPath}`, {
          headers: { 'x-api-key': API_KEY },
          body: post ? { transType: 'SALE', amountTrans: 1000 } : undefined,
          signer: signerOf(tid),
          apiPath,
        });
        if (res.status === 200) latencies.push(res.ms);
        else if (errors++ === 0) firstError.push(`${res.status} ${res.text.slice(0, 200)}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agents.forEach((a) => a.destroy());
  return { requests: latencies.length + errors, perSecond: round((latencies.length + errors) / seconds, 0), latency: stats(latencies), errors, firstError: firstError[0] };
}

async function main() {
  const broker = await startBroker();
  log(`broker ${broker.url}; starting ${TERMINALS} simulated terminals in ${PROCESSES} processes…`);
  const t0 = performance.now();
  const terminals = await startTerminals(broker.url);
  const connectS = round((performance.now() - t0) / 1000, 1);
  const eposd = await startEposd(
    join(dir, 'eposd'),
    { EPOSD_TID: REAL_TID, EPOSD_RELAY_URL: broker.url, EPOSD_SIM_CARD_DELAY_MS: '200', EPOSD_SIM_AUTH_DELAY_MS: '100', EPOSD_LOG_LEVEL: 'warn' },
    { main: UNBUNDLED },
  );
  const gateways = [await startGateway(broker.url, 'a'), await startGateway(broker.url, 'b')];
  // Every terminal online at the gateway, counted page by page of GET /terminals?online=true.
  const onlineAt = async (gateway) => {
    let online = 0;
    for (let cursor = ''; ;) {
      const page = JSON.parse((await send(undefined, 'GET', `${gateway.url}/terminals?online=true&limit=1000${cursor && `&cursor=${cursor}`}`, { headers: { 'x-api-key': API_KEY } })).text);
      online += page.terminals.length;
      if (!page.nextCursor) return online;
      cursor = page.nextCursor;
    }
  };
  for (let i = 0; i < 600 && (await onlineAt(gateways[1])) < TERMINALS + 1; i++) await new Promise((r) => setTimeout(r, 200));
  log(`${TERMINALS} terminals online in ${connectS} s; fleet load: ${CLIENTS} POS clients for ${SECONDS} s through 2 gateways…`);
  const fleet = await fleetLoad(gateways);
  const memory = {
    brokerMB: round(procStats(broker.pid).rssMB, 1),
    gatewaysMB: gateways.map((g) => round(procStats(g.pid).rssMB, 1)),
    terminalProcessesMB: terminals.map((c) => round(procStats(c.pid).rssMB, 1)),
  };
  log(`the real eposd: ${PAIRS} status reads and ${PAYMENTS} sales directly and through the relay, in pairs…`);
  const real = await pairedDifferences({ eposd, gateway: gateways[0], tid: REAL_TID, apiKey: API_KEY, dir, pairs: PAIRS, payments: PAYMENTS });
  const machine = { cores: availableParallelism(), load1: round(loadavg()[0]) };
  const result = { scale: { terminals: TERMINALS, processes: PROCESSES, clients: CLIENTS, seconds: SECONDS, connectS, pairs: PAIRS, payments: PAYMENTS }, fleet, memory, real, machine };
  const row = (name, value) => `| ${name} | ${value} |`;
  const lat = (s) => `p50 ${s.p50} ms, p99 ${s.p99} ms`;
  const loadBeside = `load average (1 min) ${real.statusRead.load.before} → ${real.statusRead.load.after} on ${machine.cores} cores`;
  process.stdout.write(
    [
      `| relay bench (${TERMINALS} terminals in ${PROCESSES} processes, ${CLIENTS} POS clients, ${SECONDS} s, 2 gateways, 1 Mosquitto) | |`,
      '|---|---|',
      row('terminals connected (presence online)', `${TERMINALS} in ${connectS} s`),
      row('fleet: requests/s through the gateways', fleet.perSecond),
      row('fleet: latency at the POS', lat(fleet.latency)),
      row('fleet: errors', fleet.errors),
      row('broker memory (RSS)', `${memory.brokerMB} MB`),
      row('gateway memory (RSS)', memory.gatewaysMB.map((m) => `${m} MB`).join(', ')),
      row('simulated terminal processes (RSS)', memory.terminalProcessesMB.map((m) => `${m} MB`).join(', ')),
      row('real eposd, status read: direct / relay (signing on)', `${lat(real.statusRead.direct)} / ${lat(real.statusRead.relay)}`),
      row(`**relay added latency, status read** (${real.statusRead.added.n} paired differences)`, `${lat(real.statusRead.added)}; ${loadBeside}`),
      row(`relay added latency, a sale's acknowledgement (${real.saleAck.added.n} paired differences)`, `${lat(real.saleAck.added)} (direct ${lat(real.saleAck.direct)})`),
      row(`relay added latency, a long poll's delivery (${real.longPollDelivery.added.n} payments)`, lat(real.longPollDelivery.added)),
      row('real eposd: errors', `${real.errors}${real.firstError ? ` (first: ${real.firstError})` : ''}`),
    ].join('\n') + '\n',
  );
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await eposd.stop();
  for (const c of terminals) c.send('stop');
  await new Promise((r) => setTimeout(r, 1000));
}

main()
  .catch((err) => {
    process.stderr.write(`bench:relay failed: ${err.stack ?? err}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const c of children) c.kill('SIGKILL');
    killAll();
    rmSync(dir, { recursive: true, force: true });
  });
