// Memory under load: N long-polling POS (each its own token and connection) waiting on the payment in
// progress, while one POS starts a SALE every 1000/rate ms. RSS is sampled once a second.
import { call, httpsAgent } from './lib/client.mjs';
import { pair } from './lib/eposd.mjs';
import { procStats } from './lib/proc.mjs';
import { median } from './lib/stats.mjs';

export const LOAD_CARD_DELAY_MS = 30;
export const LOAD_AUTH_DELAY_MS = 20;

/** Pairs `pollers` POS and one seller; resolves with a function that runs the load for a while. */
export async function prepareLoad(eposd, { pollers }) {
  const admin = httpsAgent();
  const seller = { agent: httpsAgent(), token: await pair(eposd, admin, 'seller') };
  const posList = [];
  for (let i = 0; i < pollers; i++) posList.push({ agent: httpsAgent(), token: await pair(eposd, admin, `poller-${i}`) });
  admin.destroy();

  let current; // { uti, final: Promise }
  let waiters = [];
  const nextSale = () => new Promise((resolve) => waiters.push(resolve));

  /** Runs the load for `seconds`; `onSample(second, rssMB)` is called once a second. */
  async function run(seconds, rate, onSample = () => {}) {
    const until = Date.now() + seconds * 1000;
    let running = true;
    let sales = 0;
    let busy = 0;
    let longPolls = 0;
    let resets = 0;
    const samples = [];
    const sampler = setInterval(() => {
      const { rssMB } = procStats(eposd.pid);
      samples.push(rssMB);
      onSample(samples.length, rssMB);
    }, 1000);
    const poll = async (pos) => {
      while (running) {
        const uti = await nextSale();
        if (uti === null) return;
        for (let i = 0; i < 100 && running; i++) {
          let res;
          try {
            res = await call(pos.agent, 'GET', `${eposd.apiUrl}/transaction?uti=${uti}&wait=30`, { token: pos.token });
          } catch {
            // A connection the server closed (keep-alive timing): a POS asks again on a new one.
            resets += 1;
            continue;
          }
          longPolls += 1;
          if (res.status === 200) break;
          if (res.status !== 202) throw new Error(`long-poll answered ${res.status}: ${res.text}`);
        }
      }
    };
    const pollersDone = posList.map(poll);
    const interval = 1000 / rate;
    let next = Date.now();
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
      next += interval;
      const res = await call(seller.agent, 'POST', `${eposd.apiUrl}/transaction?tid=${eposd.tid}&disablePrinting=false`, {
        token: seller.token,
        body: { transType: 'SALE', amountTrans: 1000, reference: `load-${sales}` },
      });
      if (res.status === 409) {
        busy += 1;
        continue;
      }
      if (res.status !== 200) throw new Error(`POST /transaction answered ${res.status}: ${res.text}`);
      sales += 1;
      current = res.body.uti;
      const w = waiters;
      waiters = [];
      w.forEach((resolve) => resolve(current));
      // Never fall more than a second behind: a slow machine lowers the rate rather than bursting.
      if (Date.now() - next > 1000) next = Date.now();
    }
    running = false;
    waiters.forEach((resolve) => resolve(null));
    waiters = [];
    await Promise.all(pollersDone);
    clearInterval(sampler);
    samples.push(procStats(eposd.pid).rssMB);
    return { seconds, sales, salesPerS: sales / seconds, busy, longPolls, resets, maxRssMB: Math.max(...samples), samples };
  }

  function close() {
    seller.agent.destroy();
    posList.forEach((p) => p.agent.destroy());
  }
  return { run, close };
}

/** Growth over a soak: the median RSS of its last `window` samples minus that of the `window` samples before it started. */
export function growth(before, during, window = 30) {
  return median(during.slice(-window)) - median(before.slice(-window));
}
