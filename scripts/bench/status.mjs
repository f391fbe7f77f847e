// Status lookups under load: autocannon, GET /transaction of final UTIs, in alternating rounds.
import autocannon from 'autocannon';
import { mean } from './lib/stats.mjs';

const WARM_UP_S = 1;

/** One autocannon run; `paths` are cycled through, one per request. */
export async function cannon({ origin, paths, token, connections, durationS }) {
  let i = 0;
  const result = await autocannon({
    url: origin,
    connections,
    duration: durationS,
    headers: { accept: 'application/json', ...(token ? { authorization: token } : {}) },
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length] }) }],
    // The certificate is self-signed; the bench only talks to 127.0.0.1.
    tlsOptions: { rejectUnauthorized: false },
  });
  if (result.errors > 0 || result.non2xx > 0 || result.timeouts > 0) {
    throw new Error(`autocannon against ${origin}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers`);
  }
  return { rps: result.requests.total / result.duration, p50: result.latency.p50, p99: result.latency.p99, total: result.requests.total, seconds: result.duration };
}

/**
 * Runs each target `rounds` times, alternating, `durationS` seconds a round. Resolves with, per target,
 * the requests per second over all its rounds and the mean of its rounds' p99.
 */
export async function alternate(targets, { rounds, durationS, connections, log }) {
  // A round of warm-up each, not counted: connections opened, code compiled, caches filled.
  for (const t of Object.values(targets)) await cannon({ ...t, connections, durationS: WARM_UP_S });
  const runs = Object.fromEntries(Object.keys(targets).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, t] of Object.entries(targets)) {
      runs[name].push(await cannon({ ...t, connections, durationS }));
      log(`${name}: round ${r + 1}/${rounds}: ${runs[name].at(-1).rps.toFixed(0)} req/s, p99 ${runs[name].at(-1).p99} ms`);
    }
  }
  return Object.fromEntries(
    Object.entries(runs).map(([name, rs]) => [
      name,
      { rps: rs.reduce((n, x) => n + x.total, 0) / rs.reduce((n, x) => n + x.seconds, 0), p99: mean(rs.map((x) => x.p99)), p50: mean(rs.map((x) => x.p50)) },
    ]),
  );
}
