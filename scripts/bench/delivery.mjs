// Result delivery: from the outcome (the status's completedAt, stamped by the state machine as it ends
// the payment) to the POS having read the answer (the same wall clock, read to the microsecond).
// completedAt is ISO 8601 to the millisecond, as the API gives it: the stamp is the millisecond the
// outcome came in, so each sample is up to 1 ms longer than the time it measures (0.5 ms on average),
// the baseline's alike. One sample a sale; a long poll that ends 202 is asked again (counted).
// The card comes after CARD_DELAY_MS and the host answers after AUTH_DELAY_MS (set on this eposd), so
// that the outcome comes well after the POST. The polling POS polls every second from a random phase.
// The long-polled sales alternate with the same sales on the baseline server, whose outcome is one
// commit CARD_DELAY_MS + AUTH_DELAY_MS after the POST and whose answer is the same JSON: the disk's and
// the machine's share of the figure, measured in the same minutes.
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

function summary(results) {
  const s = sorted(results.map((r) => r.latencyMs));
  const gets = results.reduce((n, r) => n + r.requests, 0);
  return { p50: quantile(s, 0.5), p99: quantile(s, 0.99), max: s.at(-1), n: s.length, getsPerSale: gets / results.length, reasks: gets - results.length };
}

/**
 * `count` sales on eposd, one after the other; with a `baseline` (baseline-server.mjs started with
 * `outcomeAfterMs`), as many on it, alternating sale by sale, so that both see the same minutes of the
 * machine. Its summary is the result's `baseline`.
 */
async function run(label, fn, { eposd, token, baseline, count, log }) {
  const targets = [{ server: eposd, token, results: [] }, ...(baseline ? [{ server: { apiUrl: baseline.url }, results: [] }] : [])];
  for (const t of targets) t.agent = httpsAgent();
  try {
    for (let i = 0; i < count; i++) {
      for (const t of targets) t.results.push(await fn(t.server, t.agent, t.token, i));
      if ((i + 1) % 50 === 0) log(`delivery ${label}: ${i + 1}/${count}`);
    }
  } finally {
    for (const t of targets) t.agent.destroy();
  }
  const [own, base] = targets.map((t) => summary(t.results));
  return base ? { ...own, baseline: base } : own;
}

/** The long-polling half alone (side-by-side.mjs). */
export const longPollDelivery = (opts) => run('long-poll', longPollSale, opts);

/** Long-polled sales (beside the baseline, if given), then sales polled every second (eposd alone). */
export async function delivery({ count, pollCount, baseline, ...opts }) {
  const longPoll = await run('long-poll', longPollSale, { ...opts, baseline, count });
  const polling = await run('1 s polling', pollingSale, { ...opts, count: pollCount });
  return { longPoll, polling };
}
