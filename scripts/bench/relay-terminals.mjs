// A child of scripts/bench/relay.mjs: `count` simulated terminals from TID `first` on, each the real
// terminal side of the relay (dist/relay/terminal-relay.js: its own MQTT connection, retained presence,
// last will, queue and duplicate cache) and its real trust layer (dist/relay/trust.js: the POS's
// signature checked, the answer signed with the terminal's key), in front of a lightweight API that
// answers a status read and a sale's acknowledgement at once. The bench's POS is paired with every one
// (its relay public key in RELAY_BENCH_POS_KEY; the terminals' private key, PEM, in RELAY_BENCH_TERMINAL_KEY).
// Tells the parent `ready` once every one is connected.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './lib/paths.mjs';

const require = createRequire(import.meta.url);
const { TerminalRelay } = require(join(ROOT, 'dist', 'relay', 'terminal-relay.js'));
const { trustedRelay } = require(join(ROOT, 'dist', 'relay', 'trust.js'));
const { silentLogger } = require(join(ROOT, 'dist', 'shared', 'logger.js'));

const [brokerUrl, first, count] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const CONNECT_BATCH = 50;
const HEADERS = ['Cache-Control', 'no-store', 'Content-Type', 'application/json; charset=utf-8'];
const terminalKey = createPrivateKey(process.env.RELAY_BENCH_TERMINAL_KEY);
const terminalSpki = createPublicKey(terminalKey).export({ type: 'spki', format: 'der' });
const granted = { principal: { registerId: 'bench-pos', registerName: 'bench-pos', role: 'pos' }, relayKey: process.env.RELAY_BENCH_POS_KEY };

const json = (status, body) => {
  const b = JSON.stringify(body);
  return { status, headers: [...HEADERS, 'Content-Length', String(Buffer.byteLength(b))], body: b };
};
const api = {
  handle: (request) => ({
    answer: Promise.resolve(json(200, request.method === 'POST' ? { transType: 'SALE', amountTrans: 1000, uti: 'bench' } : { uti: 'bench', status: 'APPROVED', transApproved: true })),
    abandon: () => undefined,
  }),
  write: (answer) => Promise.resolve(json(answer.status ?? 200, answer.body)),
};

function handlerFor(tid) {
  return trustedRelay({
    tid,
    api,
    pairing: { relayPrincipal: (id) => (id === 'bench-pos' ? granted : undefined), relayAttempt: () => undefined, keepRelayKey: () => false },
    audit: { authFailure: () => undefined },
    terminalKey,
    terminalSpki,
    plainTokens: false,
    basePath: '/payntpos/1.0.0',
    now: Date.now,
  });
}

const relays = [];
for (let i = 0; i < count; i += CONNECT_BATCH) {
  const batch = [];
  for (let j = i; j < Math.min(count, i + CONNECT_BATCH); j++) {
    const tid = String(first + j).padStart(8, '0');
    const relay = new TerminalRelay({ tid, broker: { url: brokerUrl }, handle: handlerFor(tid), logger: silentLogger, heartbeatMs: 60_000 });
    relay.start();
    relays.push(relay);
    batch.push(relay);
  }
  while (!batch.every((r) => r.connected)) await new Promise((r) => setTimeout(r, 20));
}
process.send?.({ ready: true, count: relays.length });
process.on('message', async (m) => {
  if (m === 'stop') {
    await Promise.all(relays.map((r) => r.stop()));
    process.exit(0);
  }
});
