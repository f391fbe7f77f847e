// Acknowledgement latency: sequential POST /transaction against eposd and against the baseline, side
// by side in alternating blocks so that the machine's drift weighs on both alike. Each eposd POST is
// timed alone, on an idle terminal: the wait for its outcome (the terminal runs one payment at a time)
// is not counted. The sales are sent with disablePrinting=true so that the terminal is idle again as
// soon as the outcome is known: otherwise the next POST would meet the previous sale's receipts.
//
// The wait for the outcome reads the status back to back, as the baseline's POSTs follow each other:
// both POSTs are then timed on a client and a server that were busy the moment before. A client that
// sat idle for the few milliseconds of a long-poll answers about 0.4 ms slower on this machine (the
// baseline's own POSTs, each after a 5 ms pause: p50 1.31 ms instead of 0.85), and that would be
// counted against eposd alone (docs/performance.md).
//
// A POST answered 409 TERMINAL_BUSY (the previous sale not yet over, whatever the status said) is sent
// again at the next turn. Those answers are counted and timed apart (`busy`): the figure is the
// accepted POSTs' times, one sample each, and leaves them out.
import { performance } from 'node:perf_hooks';
import { call, httpsAgent } from './lib/client.mjs';
import { outcome, sale } from './lib/eposd.mjs';
import { quantile, sorted } from './lib/stats.mjs';

const BLOCK = 100;

async function timedPost(url, token, body, agent) {
  const t0 = performance.now();
  const res = await call(agent, 'POST', url, { token, body });
  const ms = performance.now() - t0;
  return { res, ms };
}

/** Resolves with the latencies of both, and the UTI of one final SALE (for the status lookups). */
export async function ackLatency({ eposd, token, baseline, count, log }) {
  const eAgent = httpsAgent();
  const bAgent = httpsAgent();
  const eposdMs = [];
  const baselineMs = [];
  const busyMs = [];
  const outcomes = {};
  try {
    // One of each first, so that both have their TLS session and warm code before the clock runs.
    const first = await sale(eposd, eAgent, token, { reference: 'warm-0', disablePrinting: true });
    await outcome(eposd, eAgent, token, first.uti, { longPoll: false });
    await call(bAgent, 'POST', `${baseline.url}/transaction`, { body: { transType: 'SALE', reference: 'warm-0', amountTrans: 1000 } });
    for (let done = 0; done < count;) {
      const n = Math.min(BLOCK, count - done);
      for (let i = done; i < done + n; i++) {
        const body = { transType: 'SALE', reference: `ack-${i}`, amountTrans: 1000 };
        let r;
        for (let attempt = 0; ; attempt++) {
          r = await timedPost(`${eposd.apiUrl}/transaction?tid=${eposd.tid}&disablePrinting=true`, token, body, eAgent);
          if (r.res.status === 409 && r.res.body?.code === 'TERMINAL_BUSY' && attempt < 1000) {
            busyMs.push(r.ms);
            await new Promise((resolve) => setImmediate(resolve));
            continue;
          }
          break;
        }
        if (r.res.status !== 200) throw new Error(`POST /transaction answered ${r.res.status}: ${r.res.text}`);
        eposdMs.push(r.ms);
        const o = await outcome(eposd, eAgent, token, r.res.body.uti, { longPoll: false });
        outcomes[o.status] = (outcomes[o.status] ?? 0) + 1;
      }
      for (let i = done; i < done + n; i++) {
        const r = await timedPost(`${baseline.url}/transaction`, undefined, { transType: 'SALE', reference: `ack-${i}`, amountTrans: 1000 }, bAgent);
        if (r.res.status !== 200) throw new Error(`baseline answered ${r.res.status}`);
        baselineMs.push(r.ms);
      }
      done += n;
      if (done % 500 === 0 || done === count) log(`ack: ${done}/${count}`);
    }
  } finally {
    eAgent.destroy();
    bAgent.destroy();
  }
  const e = sorted(eposdMs);
  const b = sorted(baselineMs);
  return {
    eposd: { p50: quantile(e, 0.5), p99: quantile(e, 0.99), max: e.at(-1), n: e.length },
    baseline: { p50: quantile(b, 0.5), p99: quantile(b, 0.99), max: b.at(-1), n: b.length },
    outcomes,
    busy: { n: busyMs.length, totalMs: busyMs.reduce((a, x) => a + x, 0) },
  };
}
