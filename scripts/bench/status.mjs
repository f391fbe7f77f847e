// Status lookups under load: autocannon, GET /transaction of final UTIs, in alternating rounds. The
// latencies are each response's own (autocannon's 'response' event, to the microsecond: its
// histogram keeps whole milliseconds), all rounds' together, by nearest rank. autocannon retries
// nothing: an error, a timeout or an answer other than 2xx fails the bench.
import autocannon from 'autocannon';
import { quantile, sorted } from './lib/stats.mjs';

const WARM_UP_S = 1;

/** One autocannon run; `paths` are cycled through, one per request. */
export async function cannon({ origin, paths, token, connections, durationS }) {
  let i = 0;
  const latencies = [];
  const result = await new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: origin,
        connections,
        duration: durationS,
        headers: { accept: 'application/json', ...(token ? { authorization: token } : {}) },
        requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length] }) }],
        // The certificate is self-signed; the bench only talks to 127.0.0.1.
        tlsOptions: { rejectUnauthorized: false },
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  });
  if (result.errors > 0 || result.non2xx > 0 || result.timeouts > 0) {
    throw new Error(`autocannon against ${origin}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers`);
  }
  return { rps: result.requests.total / result.duration, latencies, total: result.requests.total, seconds: result.duration };
}

/**
 * Runs each target `rounds` times, alternating, `durationS` seconds a round. Resolves with, per target,
 * the requests per second over all its rounds and the p50 and p99 of all its rounds' responses (n).
 */
export async function alternate(targets, { rounds, durationS, connections, log }) {
  // A round of warm-up each, not counted: connections opened, code compiled, caches filled.
  for (const t of Object.values(targets)) await cannon({ ...t, connections, durationS: WARM_UP_S });
  const runs = Object.fromEntries(Object.keys(targets).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, t] of Object.entries(targets)) {
      runs[name].push(await cannon({ ...t, connections, durationS }));
      const last = runs[name].at(-1);
      log(`${name}: round ${r + 1}/${rounds}: ${last.rps.toFixed(0)} req/s, p99 ${quantile(sorted(last.latencies), 0.99).toFixed(2)} ms (${last.total} responses)`);
    }
  }
  return Object.fromEntries(
    Object.entries(runs).map(([name, rs]) => {
      const all = sorted(rs.flatMap((x) => x.latencies));
      return [name, { rps: rs.reduce((n, x) => n + x.total, 0) / rs.reduce((n, x) => n + x.seconds, 0), p50: quantile(all, 0.5), p99: quantile(all, 0.99), n: all.length }];
    }),
  );
}
