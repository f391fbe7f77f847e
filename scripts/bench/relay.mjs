#!/usr/bin/env node
// npm run bench:relay — the relay under a fleet's load, on this machine (docs/relay.md, "Measured").
//
// One Mosquitto (anonymous, loopback); RELAY_BENCH_TERMINALS simulated terminals (the real terminal
// side of the relay, dist/relay/terminal-relay.js, in front of an API that answers at once) shared by
// RELAY_BENCH_PROCESSES processes; one real eposd (dist/main.js) with its relay on; two eposd-relay
// gateways; RELAY_BENCH_CLIENTS POS clients for RELAY_BENCH_SECONDS, spread over both gateways.
// Then, on the real eposd, the same requests directly over HTTPS and through the relay: a status read,
// a sale's acknowledgement and a long poll's delivery, so that the relay's added latency is measured
// in the same run. Prints a table, and the figures as JSON on the last line. Not part of CI.
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BENCH_DIR, ROOT } from './lib/paths.mjs';
import { killAll, pair, startEposd, UNBUNDLED } from './lib/eposd.mjs';
import { procStats } from './lib/proc.mjs';
import { quantile, round, sorted } from './lib/stats.mjs';

const env = (name, fallback) => Number(process.env[name] ?? fallback);
const TERMINALS = env('RELAY_BENCH_TERMINALS', 1000);
const PROCESSES = env('RELAY_BENCH_PROCESSES', 4);
const CLIENTS = env('RELAY_BENCH_CLIENTS', 40);
const SECONDS = env('RELAY_BENCH_SECONDS', 10);
const SAMPLES = env('RELAY_BENCH_SAMPLES', 200);
const PAYMENTS = env('RELAY_BENCH_PAYMENTS', 20);
const API_KEY = 'bench-platform-key';
const FIRST_TID = 20_000_000;
const REAL_TID = '10000001';

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
      const child = fork(join(BENCH_DIR, 'relay-terminals.mjs'), [brokerUrl, String(FIRST_TID + i * per), String(count)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      children.push(child);
      return new Promise((resolve) => child.once('message', () => resolve(child)));
    }),
  );
}

/** One HTTPS request on a keep-alive agent; resolves with status, text and the elapsed ms. */
function send(agent, method, url, { headers = {}, body } = {}) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const h = { accept: 'application/json', ...headers };
  if (payload) Object.assign(h, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const req = request(url, { method, headers: h, agent, rejectUnauthorized: false, timeout: 90_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, text, ms: Number(process.hrtime.bigint() - started) / 1e6, at: performance.now() }));
    });
    req.on('error', (err) => resolve({ status: 0, text: err.message, ms: Number(process.hrtime.bigint() - started) / 1e6, at: performance.now() }));
    req.end(payload);
  });
}

const stats = (xs) => {
  const s = sorted(xs);
  return { p50: round(quantile(s, 0.5)), p99: round(quantile(s, 0.99)), n: s.length };
};

async function fleetLoad(gateways) {
  const agents = gateways.map(() => new Agent({ keepAlive: true, maxSockets: CLIENTS, rejectUnauthorized: false }));
  const latencies = [];
  let errors = 0;
  const firstError = [];
  const until = Date.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let i = 0; Date.now() < until; i++) {
        const tid = String(FIRST_TID + Math.floor(Math.random() * TERMINALS)).padStart(8, '0');
        const g = (c + i) % gateways.length;
        const post = i % 10 === 9;
        const res = await send(agents[g], post ? 'POST' : 'GET', `${gateways[g].url}/terminals/${tid}/payntpos/1.0.0/transaction${post ? '' : '?uti=bench'}`, {
          headers: { 'x-api-key': API_KEY, authorization: 'bench-token' },
          body: post ? { transType: 'SALE', amountTrans: 1000 } : undefined,
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

async function realTerminal(eposd, gateway) {
  const direct = new Agent({ keepAlive: true, maxSockets: 2, rejectUnauthorized: false });
  const relayed = new Agent({ keepAlive: true, maxSockets: 2, rejectUnauthorized: false });
  const token = await pair(eposd, direct, 'bench-till');
  const base = { direct: eposd.apiUrl, relay: `${gateway.url}/terminals/${REAL_TID}/payntpos/1.0.0` };
  const headers = { direct: { authorization: token }, relay: { authorization: token, 'x-api-key': API_KEY } };
  const agentOf = { direct, relay: relayed };
  const errors = { n: 0 };
  const check = (res, ok = [200]) => {
    if (!ok.includes(res.status)) errors.n += 1;
    return res;
  };
  const sale = async (path) =>
    JSON.parse(check(await send(agentOf[path], 'POST', `${base[path]}/transaction?disablePrinting=true`, { headers: headers[path], body: { transType: 'SALE', amountTrans: 1000 } })).text || '{}');
  const waitFinal = async (uti) => {
    for (;;) if (check(await send(direct, 'GET', `${base.direct}/transaction?uti=${uti}&wait=10`, { headers: headers.direct }), [200, 202]).status === 200) return;
  };
  // Status reads, alternated so that both paths see the same machine.
  const first = await sale('direct');
  await waitFinal(first.uti);
  const reads = { direct: [], relay: [] };
  for (let i = 0; i < SAMPLES; i++) {
    for (const path of i % 2 ? ['direct', 'relay'] : ['relay', 'direct'])
      reads[path].push(check(await send(agentOf[path], 'GET', `${base[path]}/transaction?uti=${first.uti}`, { headers: headers[path] })).ms);
  }
  // A sale's acknowledgement, each path in turn, each sale to its end before the next.
  const acks = { direct: [], relay: [] };
  for (let i = 0; i < PAYMENTS; i++) {
    const path = i % 2 ? 'direct' : 'relay';
    const started = performance.now();
    const ack = await sale(path);
    acks[path].push(performance.now() - started);
    await waitFinal(ack.uti);
  }
  // A long poll's delivery: both paths wait on the same payment; the relay's added latency is how much later its answer lands.
  const delivery = [];
  for (let i = 0; i < PAYMENTS; i++) {
    const ack = await sale('direct');
    const [d, r] = await Promise.all(['direct', 'relay'].map((path) => send(agentOf[path], 'GET', `${base[path]}/transaction?uti=${ack.uti}&wait=10`, { headers: headers[path] })));
    if (d.status === 200 && r.status === 200) delivery.push(r.at - d.at);
    else errors.n += 1;
  }
  direct.destroy();
  relayed.destroy();
  const added = (a, b) => ({ p50: round(stats(a).p50 - stats(b).p50), p99: round(stats(a).p99 - stats(b).p99) });
  return {
    statusRead: { direct: stats(reads.direct), relay: stats(reads.relay), added: added(reads.relay, reads.direct) },
    saleAck: { direct: stats(acks.direct), relay: stats(acks.relay), added: added(acks.relay, acks.direct) },
    longPollDelivery: { added: stats(delivery) },
    errors: errors.n,
  };
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
  for (;;) {
    const res = await send(undefined, 'GET', `${gateways[1].url}/terminals`, { headers: { 'x-api-key': API_KEY } });
    const online = JSON.parse(res.text).terminals.filter((t) => t.online).length;
    if (online >= TERMINALS + 1) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  log(`${TERMINALS} terminals online in ${connectS} s; fleet load: ${CLIENTS} POS clients for ${SECONDS} s through 2 gateways…`);
  const fleet = await fleetLoad(gateways);
  const memory = {
    brokerMB: round(procStats(broker.pid).rssMB, 1),
    gatewaysMB: gateways.map((g) => round(procStats(g.pid).rssMB, 1)),
    terminalProcessesMB: terminals.map((c) => round(procStats(c.pid).rssMB, 1)),
  };
  log('the real eposd: direct HTTPS beside the relay…');
  const real = await realTerminal(eposd, gateways[0]);
  const result = { scale: { terminals: TERMINALS, processes: PROCESSES, clients: CLIENTS, seconds: SECONDS, connectS }, fleet, memory, real };
  const row = (name, value) => `| ${name} | ${value} |`;
  const lat = (s) => `p50 ${s.p50} ms, p99 ${s.p99} ms`;
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
      row('real eposd, status read: direct / relay', `${lat(real.statusRead.direct)} / ${lat(real.statusRead.relay)}`),
      row('relay added latency, status read', lat(real.statusRead.added)),
      row("relay added latency, a sale's acknowledgement", `${lat(real.saleAck.added)} (direct ${lat(real.saleAck.direct)})`),
      row("relay added latency, a long poll's delivery", lat(real.longPollDelivery.added)),
      row('real eposd: errors', real.errors),
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
