#!/usr/bin/env node
// npm run bench [-- --quick] [-- --json] [-- --soak]
//
// Measures eposd as `npm start` runs it (`node dist/bundle/main.js`, over HTTPS on 127.0.0.1; the
// unbundled dist/main.js too, for its start time) against baselines started in the same run: tiny
// node:https servers with the same certificate, pragmas and JSON (baseline-server.mjs). Prints a table;
// with --json, one JSON object as the last line. --quick: smaller counts, under two minutes. --soak:
// adds the memory soak (10 minutes; 2 with --quick). BENCH_SMOKE=1 shrinks every count to a minimum
// (test/e2e/bench-smoke.test.ts). What each figure is and how it is taken: docs/performance.md.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ackLatency } from './ack.mjs';
import { delivery, CARD_DELAY_MS, AUTH_DELAY_MS } from './delivery.mjs';
import { idle } from './idle.mjs';
import { prepareLoad, growth, LOAD_CARD_DELAY_MS, LOAD_AUTH_DELAY_MS } from './load.mjs';
import { purgeStall } from './purge.mjs';
import { alternate } from './status.mjs';
import { checkedStarts, firstStarts, warmStarts } from './startup.mjs';
import { killAllBaselines, startBaseline } from './lib/baseline.mjs';
import { destroyScreenAgent, httpsAgent } from './lib/client.mjs';
import { BUNDLE, killAll, outcome, pair, sale, startEposd, UNBUNDLED } from './lib/eposd.mjs';
import { round } from './lib/stats.mjs';
import { markWrittenAgo, sampleUtis, seedTransactions } from './lib/seed.mjs';
import { renderTable } from './table.mjs';

const DAY_MS = 86_400_000;
const args = new Set(process.argv.slice(2));
const unknown = [...args].filter((a) => !['--quick', '--json', '--soak'].includes(a));
if (unknown.length > 0) {
  console.error(`usage: npm run bench [-- --quick] [-- --json] [-- --soak]   (unknown: ${unknown.join(' ')})`);
  process.exit(2);
}
const QUICK = args.has('--quick');
const JSON_OUT = args.has('--json');
const SOAK = args.has('--soak');
const SMOKE = process.env.BENCH_SMOKE === '1';

const COUNTS = SMOKE
  ? {
      firstStarts: 1,
      warmStarts: 1,
      checkedStarts: 1,
      ack: 10,
      statusRounds: 1,
      statusS: 1,
      idleS: 1,
      longPoll: 2,
      polling: 2,
      loadS: 2,
      pollers: 3,
      soakS: 3,
      bigRows: 2_000,
      smallRows: 1_000,
      purgeRows: 500,
      scaleRounds: 1,
      scaleS: 1,
    }
  : QUICK
    ? {
        firstStarts: 2,
        warmStarts: 3,
        checkedStarts: 1,
        ack: 300,
        statusRounds: 2,
        statusS: 2,
        idleS: 10,
        longPoll: 20,
        polling: 10,
        loadS: 15,
        pollers: 50,
        soakS: 120,
        bigRows: 100_000,
        smallRows: 1_000,
        purgeRows: 20_000,
        scaleRounds: 2,
        scaleS: 2,
      }
    : {
        firstStarts: 5,
        warmStarts: 5,
        checkedStarts: 3,
        ack: 2_000,
        statusRounds: 2,
        statusS: 5,
        idleS: 30,
        longPoll: 200,
        polling: 200,
        loadS: 60,
        pollers: 50,
        soakS: 600,
        bigRows: 1_000_000,
        smallRows: 1_000,
        purgeRows: 100_000,
        scaleRounds: 2,
        scaleS: 5,
      };
const STATUS_CONNECTIONS = 50;
const SALES_PER_S = 10;

const started = Date.now();
const log = (msg) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${msg}\n`);
const root = mkdtempSync(join(tmpdir(), 'eposd-bench-'));
const cleanup = () => {
  killAll();
  killAllBaselines();
  rmSync(root, { recursive: true, force: true });
};
process.on('exit', cleanup);
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => process.exit(130));

const dbFile = (dir) => join(dir, 'data', 'eposd.db');
const fileSize = (f) => (existsSync(f) ? statSync(f).size : 0);
/** The database's bytes once its WAL is checkpointed into it. */
function databaseBytes(dir) {
  const db = new Database(dbFile(dir));
  db.pragma('wal_checkpoint(TRUNCATE)');
  const count = db.prepare('SELECT count(*) FROM transactions').pluck().get();
  db.close();
  return { bytes: fileSize(dbFile(dir)) + fileSize(`${dbFile(dir)}-wal`), count };
}

async function main() {
  for (const main of [BUNDLE, UNBUNDLED]) if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` (npm run bench does)`);
  log(`mode ${SMOKE ? 'smoke' : QUICK ? 'quick' : 'full'}${SOAK ? ' + soak' : ''}; working in ${root}`);
  const r = { load1: { start: loadavg()[0] } };

  // 1. First starts (database created, certificate generated). The last directory stays as the empty database.
  log('cold start: first starts');
  r.first = await firstStarts(root, COUNTS.firstStarts);
  const empty = databaseBytes(r.first.lastDir);

  // 2. Acknowledgement latency and status lookups, against eposd with the simulator's delays at 0.
  const mainDir = join(root, 'main');
  const eposd = await startEposd(mainDir);
  const agent = httpsAgent();
  const token = await pair(eposd, agent, 'bench');
  const certDir = join(mainDir, 'certs');
  let baseline = await startBaseline({ certDir, dbFile: join(root, 'baseline', 'baseline.db') });
  log(`acknowledgement latency: ${COUNTS.ack} POSTs each`);
  r.ack = await ackLatency({ eposd, token, baseline, count: COUNTS.ack, log });
  await baseline.stop();

  const last = await sale(eposd, agent, token, { reference: 'status-target' });
  const finalStatus = await outcome(eposd, agent, token, last.uti);
  const statusBody = join(root, 'status-body.json');
  writeFileSync(statusBody, JSON.stringify(finalStatus));
  baseline = await startBaseline({ certDir, dbFile: join(root, 'baseline', 'baseline.db'), statusBody });
  log(`status lookups: autocannon, ${STATUS_CONNECTIONS} connections, ${COUNTS.statusRounds} x ${COUNTS.statusS} s each, alternating`);
  const path = `/payntpos/1.0.0/transaction?uti=${last.uti}`;
  r.status = await alternate(
    { eposd: { origin: new URL(eposd.apiUrl).origin, paths: [path], token }, baseline: { origin: new URL(baseline.url).origin, paths: [path] } },
    { rounds: COUNTS.statusRounds, durationS: COUNTS.statusS, connections: STATUS_CONNECTIONS, log },
  );
  await baseline.stop();
  agent.destroy();
  await eposd.stop();
  const payments = databaseBytes(mainDir);
  r.bytes = { real: (payments.bytes - empty.bytes) / payments.count, count: payments.count, emptyBytes: empty.bytes };

  // 3. Idle: a fresh eposd with one POS paired and one payment made, beside an idle baseline.
  log(`idle: ${COUNTS.idleS} s`);
  {
    const e = await startEposd(join(root, 'idle'));
    const a = httpsAgent();
    const t = await pair(e, a, 'idle-pos');
    await outcome(e, a, t, (await sale(e, a, t)).uti);
    a.destroy();
    const b = await startBaseline({ certDir: join(root, 'idle', 'certs'), dbFile: join(root, 'idle-baseline', 'baseline.db') });
    await new Promise((res) => setTimeout(res, 1000));
    r.idle = await idle({ eposdPid: e.pid, baselinePid: b.pid, seconds: COUNTS.idleS });
    await b.stop();
    await e.stop();
  }

  // 4. Result delivery, with a card after CARD_DELAY_MS and the host's answer after AUTH_DELAY_MS.
  log(`result delivery: ${COUNTS.longPoll} sales long-polling, ${COUNTS.polling} polling every second`);
  {
    const e = await startEposd(join(root, 'delivery'), { EPOSD_SIM_CARD_DELAY_MS: String(CARD_DELAY_MS), EPOSD_SIM_AUTH_DELAY_MS: String(AUTH_DELAY_MS) });
    const a = httpsAgent();
    const t = await pair(e, a, 'delivery-pos');
    a.destroy();
    const b = await startBaseline({
      certDir: join(root, 'delivery', 'certs'),
      dbFile: join(root, 'delivery-baseline', 'baseline.db'),
      statusBody,
      outcomeAfterMs: CARD_DELAY_MS + AUTH_DELAY_MS,
    });
    r.delivery = await delivery({ eposd: e, token: t, baseline: b, count: COUNTS.longPoll, pollCount: COUNTS.polling, log });
    await b.stop();
    await e.stop();
  }

  // 5. Memory under load (and the soak).
  log(`memory: ${COUNTS.pollers} long-polling POS + ${SALES_PER_S} sales/s for ${COUNTS.loadS} s${SOAK ? `, then a ${COUNTS.soakS} s soak` : ''}`);
  {
    const e = await startEposd(join(root, 'load'), { EPOSD_SIM_CARD_DELAY_MS: String(LOAD_CARD_DELAY_MS), EPOSD_SIM_AUTH_DELAY_MS: String(LOAD_AUTH_DELAY_MS), EPOSD_PAIR_RATE_LIMIT: '1000' });
    const load = await prepareLoad(e, { pollers: COUNTS.pollers });
    r.loaded = await load.run(COUNTS.loadS, SALES_PER_S);
    if (SOAK) {
      r.soak = await load.run(COUNTS.soakS, SALES_PER_S, (s, rss) => s % 60 === 0 && log(`soak: ${s} s, RSS ${rss.toFixed(1)} MB`));
      r.soak.growthMB = growth(r.loaded.samples, r.soak.samples);
    }
    load.close();
    await e.stop();
  }

  // 6. A database of months of trading: seeded, then warm starts on it; a small one beside it for scale.
  const bigDir = join(root, 'big');
  const smallDir = join(root, 'small');
  const now = Date.now();
  // Every day's batch closed at 01:00 local (eposd's default settlement time); today's since then is open.
  const lastClose = new Date(now).setHours(1, 0, 0, 0);
  const settledBefore = lastClose > now ? lastClose - DAY_MS : lastClose;
  for (const [dir, count] of [
    [bigDir, COUNTS.bigRows],
    [smallDir, COUNTS.smallRows],
  ]) {
    await (await startEposd(dir)).stop();
    log(`seeding ${count} transactions`);
    const ms = seedTransactions(dbFile(dir), { count, from: now - 80 * DAY_MS, to: now - 60_000, settledBefore, onProgress: (n) => n % 200_000 === 0 && log(`seeded ${n}`) });
    log(`seeded ${count} in ${(ms / 1000).toFixed(1)} s`);
  }
  const seeded = databaseBytes(bigDir);
  r.bytes.seeded = (seeded.bytes - empty.bytes) / seeded.count;
  log(`cold start: ${COUNTS.warmStarts} warm starts with ${COUNTS.bigRows} transactions`);
  [r.warm, r.warmUnbundled, r.baselineStart] = await warmStarts(bigDir, COUNTS.warmStarts, [BUNDLE, UNBUNDLED], {
    certDir: join(bigDir, 'certs'),
    dbFile: join(root, 'baseline-start', 'baseline.db'),
  });
  log(`cold start: ${COUNTS.checkedStarts} start(s) with ${COUNTS.bigRows} transactions until the check after the start has finished`);
  r.checked = await checkedStarts(bigDir, COUNTS.checkedStarts);

  log(`scale: status p99 with ${COUNTS.smallRows} vs ${COUNTS.bigRows} rows`);
  {
    const big = await startEposd(bigDir);
    const small = await startEposd(smallDir);
    const a = httpsAgent();
    const targets = {};
    for (const [name, e, dir] of [
      ['small', small, smallDir],
      ['big', big, bigDir],
    ]) {
      const t = await pair(e, a, `scale-${name}`);
      const paths = sampleUtis(dbFile(dir), 1000).map((u) => `/payntpos/1.0.0/transaction?uti=${u}`);
      targets[name] = { origin: new URL(e.apiUrl).origin, paths, token: t };
    }
    a.destroy();
    r.scale = await alternate(targets, { rounds: COUNTS.scaleRounds, durationS: COUNTS.scaleS, connections: STATUS_CONNECTIONS, log });
    await big.stop();
    await small.stop();
  }

  // 7. The purge of expired transactions.
  log(`purge: ${COUNTS.purgeRows} expired transactions`);
  {
    const dir = join(root, 'purge');
    await (await startEposd(dir)).stop();
    seedTransactions(dbFile(dir), { count: COUNTS.purgeRows, from: now - 120 * DAY_MS, to: now - 93 * DAY_MS, settledBefore: now - 93 * DAY_MS });
    markWrittenAgo(dbFile(dir), 93 * DAY_MS);
    seedTransactions(dbFile(dir), { count: Math.ceil(COUNTS.purgeRows / 10), from: now - 80 * DAY_MS, to: now - 60_000, settledBefore });
    r.purge = await purgeStall(join(dir, 'data'));
  }
  destroyScreenAgent();
  r.load1.end = loadavg()[0];
  return r;
}

function figures(r) {
  return {
    ack: { p50Ms: round(r.ack.eposd.p50), p99Ms: round(r.ack.eposd.p99), p50Ratio: round(r.ack.eposd.p50 / r.ack.baseline.p50) },
    status: { rps: round(r.status.eposd.rps, 0), p99Ms: round(r.status.eposd.p99), throughputRatio: round(r.status.eposd.rps / r.status.baseline.rps) },
    delivery: {
      longPollP50Ms: round(r.delivery.longPoll.p50),
      longPollP99Ms: round(r.delivery.longPoll.p99),
      longPollP99OverBaselineMs: round(r.delivery.longPoll.p99 - r.delivery.longPoll.baseline.p99),
      pollP50Ms: round(r.delivery.polling.p50),
    },
    startup: {
      warmMs: round(r.warm.medianMs, 0),
      warmRatio: round(r.warm.medianMs / r.baselineStart.medianMs),
      firstMs: round(r.first.medianMs, 0),
      checkedMs: round(r.checked.medianMs, 0),
    },
    memory: {
      idleRssMB: round(r.idle.eposd.rssMB, 1),
      idleRssRatio: round(r.idle.eposd.rssMB / r.idle.baseline.rssMB),
      loadedRssMB: round(r.loaded.maxRssMB, 1),
      soakGrowthMB: r.soak ? round(r.soak.growthMB, 1) : null,
    },
    scale: { p99Ratio1MTo1k: round(r.scale.big.p99 / r.scale.small.p99), bytesPerTransaction: round(r.bytes.real, 0), purgeMaxStallMs: round(r.purge.purge.maxStallMs) },
    // A ratio of /proc's 10 ms ticks: 0 ms for the baseline gives Infinity, printed as null.
    idle: { cpuPercent: round(r.idle.eposd.cpuPercent, 3), cpuRatio: round(r.idle.eposd.cpuMs / r.idle.baseline.cpuMs) },
    // How many samples each figure above is taken from (eposd's; the baselines' in the table).
    samples: {
      ack: r.ack.eposd.n,
      status: r.status.eposd.n,
      longPoll: r.delivery.longPoll.n,
      polling: r.delivery.polling.n,
      warmStarts: r.warm.times.length,
      firstStarts: r.first.times.length,
      checkedStarts: r.checked.times.length,
      scale1k: r.scale.small.n,
      scale1M: r.scale.big.n,
    },
    // Requests sent again: POSTs answered 409 TERMINAL_BUSY (timed apart, not in the figure), long polls answered 202 and asked again.
    retries: { ackBusy: r.ack.busy.n, longPollReasks: r.delivery.longPoll.reasks },
    // The machine's load average (1 minute) as the run began and ended: the figures of a loaded machine are not a quiet one's.
    machine: { load1Start: round(r.load1.start), load1End: round(r.load1.end) },
  };
}

main().then(
  (r) => {
    const f = figures(r);
    process.stdout.write(renderTable(f, r, { counts: COUNTS, quick: QUICK, smoke: SMOKE, soak: SOAK, statusConnections: STATUS_CONNECTIONS, salesPerS: SALES_PER_S }));
    if (JSON_OUT) process.stdout.write(`${JSON.stringify(f)}\n`);
    process.exit(0);
  },
  (err) => {
    console.error(`bench: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  },
);
