// Result delivery: from the outcome (the status's completedAt, stamped by the state machine as it ends
// the payment) to the POS having parsed it (Date.now(): the same clock, at millisecond precision).
// The card comes after CARD_DELAY_MS and the host answers after AUTH_DELAY_MS (set on this eposd), so
// that the outcome comes well after the POST. The polling POS polls every second from a random phase.
import { call, httpsAgent } from './lib/client.mjs';
import { quantile, sorted } from './lib/stats.mjs';

export const CARD_DELAY_MS = 200;
export const AUTH_DELAY_MS = 100;
const LONG_POLL_WAIT_S = 30;
const POLL_INTERVAL_MS = 1000;

const sleepUntil = (at) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

async function startSale(eposd, agent, token, i) {
  const res = await call(agent, 'POST', `${eposd.apiUrl}/transaction?disablePrinting=true`, { token, body: { transType: 'SALE', amountTrans: 1000, reference: `delivery-${i}` } });
  if (res.status !== 200) throw new Error(`POST /transaction answered ${res.status}: ${res.text}`);
  return { uti: res.body.uti, postedAt: res.at };
}

async function longPollSale(eposd, agent, token, i) {
  const { uti } = await startSale(eposd, agent, token, i);
  for (let requests = 1; requests < 100; requests++) {
    const res = await call(agent, 'GET', `${eposd.apiUrl}/transaction?uti=${uti}&wait=${LONG_POLL_WAIT_S}`, { token });
    if (res.status === 200) return { latencyMs: res.at - Date.parse(res.body.completedAt), requests };
    if (res.status !== 202) throw new Error(`GET /transaction answered ${res.status}`);
  }
  throw new Error(`${uti}: no outcome after 100 long-polls`);
}

async function pollingSale(eposd, agent, token, i) {
  const { uti, postedAt } = await startSale(eposd, agent, token, i);
  let next = postedAt + Math.random() * POLL_INTERVAL_MS;
  for (let requests = 1; requests < 1000; requests++) {
    await sleepUntil(next);
    const res = await call(agent, 'GET', `${eposd.apiUrl}/transaction?uti=${uti}`, { token });
    if (res.status === 200) return { latencyMs: res.at - Date.parse(res.body.completedAt), requests };
    if (res.status !== 202) throw new Error(`GET /transaction answered ${res.status}`);
    next += POLL_INTERVAL_MS;
  }
  throw new Error(`${uti}: no outcome after 1000 polls`);
}

async function run(label, fn, { eposd, token, count, log }) {
  const agent = httpsAgent();
  const results = [];
  try {
    for (let i = 0; i < count; i++) {
      results.push(await fn(eposd, agent, token, i));
      if ((i + 1) % 50 === 0) log(`delivery ${label}: ${i + 1}/${count}`);
    }
  } finally {
    agent.destroy();
  }
  const s = sorted(results.map((r) => r.latencyMs));
  return { p50: quantile(s, 0.5), p99: quantile(s, 0.99), max: s.at(-1), getsPerSale: results.reduce((n, r) => n + r.requests, 0) / results.length };
}

/** The long-polling half alone (side-by-side.mjs). */
export const longPollDelivery = (opts) => run('long-poll', longPollSale, opts);

export async function delivery({ count, pollCount, ...opts }) {
  const longPoll = await run('long-poll', longPollSale, { ...opts, count });
  const polling = await run('1 s polling', pollingSale, { ...opts, count: pollCount });
  return { longPoll, polling };
}
