// A part of scripts/bench/relay.mjs: the relay's added latency on a real eposd, as paired differences.
// The same request is sent directly over HTTPS and through the relay, one right after the other, the
// order alternating; the figure is the distribution of (relayed − direct) over the pairs, so that both
// halves of a pair see the same machine. Signing is on: the POS signs each relayed request and checks
// the terminal's signature on its answer (dist/client/relay.js), and the terminal checks and signs.
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'node:https';
import { ROOT } from './lib/paths.mjs';
import { pairingCode } from './lib/eposd.mjs';
import { quantile, round, sorted } from './lib/stats.mjs';

const require = createRequire(import.meta.url);
const { EposdClient } = require(join(ROOT, 'dist', 'client', 'index.js'));
const { RelaySigner } = require(join(ROOT, 'dist', 'client', 'relay.js'));

export const BASE = '/payntpos/1.0.0';

export const stats = (xs) => {
  const s = sorted(xs);
  return { p50: round(quantile(s, 0.5)), p99: round(quantile(s, 0.99)), n: s.length };
};
const load = () => round(loadavg()[0]);

/**
 * One HTTPS request on a keep-alive agent; resolves with status, text and the elapsed ms. With `signer`,
 * the request is signed for `apiPath` (its path from the API's base path) and its answer's signature
 * checked within the time measured: status -1 when the check refused it.
 */
export function send(agent, method, url, { headers = {}, body, signer, apiPath } = {}) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const h = { accept: 'application/json', ...headers };
  if (payload) Object.assign(h, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  const started = process.hrtime.bigint();
  const signed = signer?.sign(method, `${BASE}${apiPath}`, payload ? 'application/json' : '', payload ?? '', 'bench');
  if (signed) Object.assign(h, signed.headers);
  return new Promise((resolve) => {
    const req = request(url, { method, headers: h, agent, rejectUnauthorized: false, timeout: 90_000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        let status = res.statusCode;
        try {
          signed?.check({ status, headers: res.headers, raw });
        } catch {
          status = -1;
        }
        resolve({ status, text: raw.toString('utf8'), ms: Number(process.hrtime.bigint() - started) / 1e6, at: performance.now() });
      });
    });
    req.on('error', (err) => resolve({ status: 0, text: err.message, ms: Number(process.hrtime.bigint() - started) / 1e6, at: performance.now() }));
    req.end(payload);
  });
}

/** The relay's added latency on the real eposd (`tid`), through `gateway`, in `pairs` paired status reads and `payments` paired sales. */
export async function pairedDifferences({ eposd, gateway, tid, apiKey, dir, pairs, payments }) {
  const pos = new EposdClient({ configPath: join(dir, 'pos-terminals.json') });
  const url = new URL(gateway.url);
  const paired = await pos.pair({ host: url.hostname, port: Number(url.port), code: await pairingCode(eposd), registerId: 'bench-till', relay: { tid, apiKey } });
  const signer = new RelaySigner(tid, paired.registerId, paired.relay);
  const agents = { direct: new Agent({ keepAlive: true, maxSockets: 2, rejectUnauthorized: false }), relay: new Agent({ keepAlive: true, maxSockets: 2, rejectUnauthorized: false }) };
  const errors = { n: 0, first: undefined };
  const one = async (path, method, apiPath, body, ok = [200]) => {
    const res =
      path === 'direct'
        ? await send(agents.direct, method, `${eposd.apiUrl}${apiPath}`, { headers: { authorization: paired.authToken }, body })
        : await send(agents.relay, method, `${gateway.url}/terminals/${tid}${BASE}${apiPath}`, { headers: { 'x-api-key': apiKey }, body, signer, apiPath });
    if (!ok.includes(res.status)) {
      errors.n += 1;
      errors.first ??= `${path} ${method} ${apiPath}: ${res.status} ${res.text.slice(0, 200)}`;
    }
    return res;
  };
  const waitFinal = async (uti) => {
    for (let i = 0; i < 1000; i++) if ((await one('direct', 'GET', `/transaction?uti=${uti}&wait=10`, undefined, [200, 202])).status === 200) return;
  };
  const sale = async (path) => {
    const res = await one(path, 'POST', `/transaction?tid=${tid}&disablePrinting=true`, { transType: 'SALE', amountTrans: 1000 });
    return { ms: res.ms, uti: JSON.parse(res.text || '{}').uti };
  };
  const order = (i) => (i % 2 ? ['direct', 'relay'] : ['relay', 'direct']);

  const first = await sale('direct');
  await waitFinal(first.uti);
  const reads = { direct: [], relay: [], diff: [] };
  const loadBefore = load();
  for (let i = 0; i < pairs; i++) {
    const ms = {};
    for (const path of order(i)) ms[path] = (await one(path, 'GET', `/transaction?uti=${first.uti}`)).ms;
    reads.direct.push(ms.direct);
    reads.relay.push(ms.relay);
    reads.diff.push(ms.relay - ms.direct);
  }
  const loadAfter = load();
  const acks = { direct: [], relay: [], diff: [] };
  for (let i = 0; i < payments; i++) {
    const ms = {};
    for (const path of order(i)) {
      const ack = await sale(path);
      ms[path] = ack.ms;
      await waitFinal(ack.uti);
    }
    acks.direct.push(ms.direct);
    acks.relay.push(ms.relay);
    acks.diff.push(ms.relay - ms.direct);
  }
  // A long poll's delivery: both paths wait on the same payment; the relay's added latency is how much later its answer lands.
  const delivery = [];
  for (let i = 0; i < payments; i++) {
    const ack = await sale('direct');
    const [d, r] = await Promise.all(['direct', 'relay'].map((path) => one(path, 'GET', `/transaction?uti=${ack.uti}&wait=10`)));
    if (d.status === 200 && r.status === 200) delivery.push(r.at - d.at);
  }
  agents.direct.destroy();
  agents.relay.destroy();
  const summary = (x) => ({ added: stats(x.diff), direct: stats(x.direct), relay: stats(x.relay) });
  return {
    statusRead: { ...summary(reads), load: { before: loadBefore, after: loadAfter } },
    saleAck: summary(acks),
    longPollDelivery: { added: stats(delivery) },
    errors: errors.n,
    firstError: errors.first,
  };
}
