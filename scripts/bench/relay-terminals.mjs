// A child of scripts/bench/relay.mjs: `count` simulated terminals from TID `first` on, each the real
// terminal side of the relay (dist/relay/terminal-relay.js: its own MQTT connection, retained presence,
// last will, queue and duplicate cache) in front of a lightweight API that answers a status read
// and a sale's acknowledgement at once. Tells the parent `ready` once every one is connected.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './lib/paths.mjs';

const require = createRequire(import.meta.url);
const { TerminalRelay } = require(join(ROOT, 'dist', 'relay', 'terminal-relay.js'));
const { silentLogger } = require(join(ROOT, 'dist', 'shared', 'logger.js'));

const [brokerUrl, first, count] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const CONNECT_BATCH = 50;
const HEADERS = ['Cache-Control', 'no-store', 'Content-Type', 'application/json; charset=utf-8'];

function handle(request) {
  const body = request.m === 'POST' ? JSON.stringify({ transType: 'SALE', amountTrans: 1000, uti: 'bench' }) : JSON.stringify({ uti: 'bench', status: 'APPROVED', transApproved: true });
  return { answer: Promise.resolve({ s: 200, h: [...HEADERS, 'Content-Length', String(Buffer.byteLength(body))], b: body }), abandon: () => undefined };
}

const relays = [];
for (let i = 0; i < count; i += CONNECT_BATCH) {
  const batch = [];
  for (let j = i; j < Math.min(count, i + CONNECT_BATCH); j++) {
    const relay = new TerminalRelay({ tid: String(first + j).padStart(8, '0'), broker: { url: brokerUrl }, handle, logger: silentLogger, heartbeatMs: 60_000 });
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
