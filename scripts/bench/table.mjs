// The table printed by the bench: each figure, its goal, and the baseline measured in the same run,
// with how many samples each is taken from and how many requests were sent again. A percentile is the
// nearest rank of its samples (lib/stats.mjs): p99 of 200 samples is the 198th smallest.
const f2 = (x, unit = '') => (x === null || x === undefined ? 'n/a' : `${x}${unit}`);
const n = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

// The goals (issue 29's): most are ratios to a baseline measured in the same run, since the shared
// machine's figures drift from one minute to the next.
export const GOALS = {
  ackP50Ratio: 1.15,
  statusThroughputRatio: 0.8,
  longPollP99OverBaselineMs: 1,
  warmRatio: 1.4,
  idleRssRatio: 1.1,
  loadedRssMB: 80,
  soakGrowthMB: 5,
  p99Ratio1MTo1k: 1.2,
  bytesPerTransaction: 1024,
  purgeMaxStallMs: 20,
  idleCpuRatio: 2,
};

function row(figure, key, value, goal, pass, baseline) {
  return { figure, key, value, goal, verdict: pass === undefined ? '' : pass ? 'ok' : 'MISSED', baseline };
}

export function renderTable(f, r, { counts, quick, smoke, soak, statusConnections, salesPerS }) {
  const ackSamples = `${r.ack.eposd.n} POSTs (baseline ${r.ack.baseline.n}); ${r.ack.busy.n} answered 409 TERMINAL_BUSY and sent again, not counted (${n(r.ack.busy.totalMs, 1)} ms)`;
  const statusSamples = `${r.status.eposd.n} responses (baseline ${r.status.baseline.n})`;
  const longPollSamples = `${r.delivery.longPoll.n} sales (baseline ${r.delivery.longPoll.baseline.n}); ${r.delivery.longPoll.reasks} long polls asked again; stamp to the ms`;
  const rows = [
    row('ack latency p50', 'ack.p50Ms', f2(f.ack.p50Ms, ' ms'), '', undefined, `baseline p50 ${n(r.ack.baseline.p50)} ms; ${ackSamples}`),
    row('ack latency p99', 'ack.p99Ms', f2(f.ack.p99Ms, ' ms'), '', undefined, `baseline p99 ${n(r.ack.baseline.p99)} ms; ${ackSamples}`),
    row('ack p50 / baseline p50', 'ack.p50Ratio', f2(f.ack.p50Ratio), `<= ${GOALS.ackP50Ratio}`, f.ack.p50Ratio <= GOALS.ackP50Ratio, `sequential POSTs, alternating blocks; ${ackSamples}`),
    row('status lookups', 'status.rps', f2(f.status.rps, ' req/s'), '', undefined, `baseline ${n(r.status.baseline.rps, 0)} req/s; ${statusSamples}`),
    row('status p99', 'status.p99Ms', f2(f.status.p99Ms, ' ms'), '', undefined, `baseline p99 ${n(r.status.baseline.p99)} ms; ${statusSamples}`),
    row(
      'status throughput / baseline',
      'status.throughputRatio',
      f2(f.status.throughputRatio),
      `>= ${GOALS.statusThroughputRatio}`,
      f.status.throughputRatio >= GOALS.statusThroughputRatio,
      `autocannon ${statusConnections} conn, ${counts.statusRounds} x ${counts.statusS} s each; ${statusSamples}`,
    ),
    row('delivery long-poll p50', 'delivery.longPollP50Ms', f2(f.delivery.longPollP50Ms, ' ms'), '', undefined, `baseline p50 ${n(r.delivery.longPoll.baseline.p50)} ms; ${longPollSamples}`),
    row(
      'delivery long-poll p99',
      'delivery.longPollP99Ms',
      f2(f.delivery.longPollP99Ms, ' ms'),
      `<= baseline p99 + ${GOALS.longPollP99OverBaselineMs} ms`,
      f.delivery.longPollP99OverBaselineMs <= GOALS.longPollP99OverBaselineMs,
      `max ${n(r.delivery.longPoll.max, 1)} ms; baseline (one commit, one answer) p99 ${n(r.delivery.longPoll.baseline.p99)} ms; ${longPollSamples}`,
    ),
    row(
      'delivery 1 s polling p50',
      'delivery.pollP50Ms',
      f2(f.delivery.pollP50Ms, ' ms'),
      '',
      undefined,
      `${r.delivery.polling.n} sales; p99 ${n(r.delivery.polling.p99)} ms; GETs/sale ${n(r.delivery.polling.getsPerSale)}`,
    ),
    row(
      'warm start',
      'startup.warmMs',
      f2(f.startup.warmMs, ' ms'),
      `<= ${GOALS.warmRatio} x baseline`,
      f.startup.warmRatio <= GOALS.warmRatio,
      `${counts.bigRows} tx, median of ${r.warm.times.length}; unbundled dist/main.js ${n(r.warmUnbundled.medianMs, 0)} ms; baseline server ${n(r.baselineStart.medianMs, 0)} ms (${r.baselineStart.times.length}): ratio ${f2(f.startup.warmRatio)}`,
    ),
    row(
      'warm start, checks done',
      'startup.checkedMs',
      f2(f.startup.checkedMs, ' ms'),
      '',
      undefined,
      `${counts.bigRows} tx: spawn to the check after the start done (quick_check, every seal), median of ${r.checked.times.length}; ready at ${n(r.checked.readyMedianMs, 0)} ms`,
    ),
    row('first start', 'startup.firstMs', f2(f.startup.firstMs, ' ms'), '', undefined, `median of ${r.first.times.length}`),
    row(
      'idle RSS',
      'memory.idleRssMB',
      f2(f.memory.idleRssMB, ' MB'),
      `<= ${GOALS.idleRssRatio} x baseline`,
      f.memory.idleRssRatio <= GOALS.idleRssRatio,
      `baseline ${n(r.idle.baseline.rssMB, 1)} MB: ratio ${f2(f.memory.idleRssRatio)}`,
    ),
    row(
      'loaded RSS (max)',
      'memory.loadedRssMB',
      f2(f.memory.loadedRssMB, ' MB'),
      `<= ${GOALS.loadedRssMB} MB`,
      f.memory.loadedRssMB <= GOALS.loadedRssMB,
      `${counts.pollers} long-polling POS, ${r.loaded.sales} sales in ${counts.loadS} s (${r.loaded.busy} POSTs answered 409, ${r.loaded.resets} long polls asked again on a new connection); max of ${r.loaded.samples.length} samples`,
    ),
    row(
      'soak growth',
      'memory.soakGrowthMB',
      f2(f.memory.soakGrowthMB, ' MB'),
      `< ${GOALS.soakGrowthMB} MB`,
      soak ? f.memory.soakGrowthMB < GOALS.soakGrowthMB : undefined,
      soak ? `${counts.soakS} s; ${r.soak.sales} sales` : 'run with --soak',
    ),
    row(
      'status p99 1M / 1k rows',
      'scale.p99Ratio1MTo1k',
      f2(f.scale.p99Ratio1MTo1k),
      `<= ${GOALS.p99Ratio1MTo1k}`,
      f.scale.p99Ratio1MTo1k <= GOALS.p99Ratio1MTo1k,
      `p99 ${n(r.scale.small.p99)} ms (${counts.smallRows} tx, ${r.scale.small.n} responses) vs ${n(r.scale.big.p99)} ms (${counts.bigRows} tx, ${r.scale.big.n}); ${n(r.scale.small.rps, 0)} vs ${n(r.scale.big.rps, 0)} req/s`,
    ),
    row(
      'bytes per transaction',
      'scale.bytesPerTransaction',
      f2(f.scale.bytesPerTransaction, ' B'),
      `<= ${GOALS.bytesPerTransaction} B`,
      f.scale.bytesPerTransaction <= GOALS.bytesPerTransaction,
      `${r.bytes.count} real payments; seeded rows ${n(r.bytes.seeded, 0)} B`,
    ),
    row(
      'purge max stall',
      'scale.purgeMaxStallMs',
      f2(f.scale.purgeMaxStallMs, ' ms'),
      `<= ${GOALS.purgeMaxStallMs} ms`,
      f.scale.purgeMaxStallMs <= GOALS.purgeMaxStallMs,
      `${r.purge.purge.before - r.purge.purge.after} expired transactions in ${n(r.purge.purge.tookMs / 1000, 1)} s; an idle process beside it: ${n(r.purge.noise.maxStallMs)} ms`,
    ),
    row(
      'idle CPU',
      'idle.cpuPercent',
      f2(f.idle.cpuPercent, ' %'),
      `<= ${GOALS.idleCpuRatio} x baseline`,
      // No ratio when the baseline used no tick: no verdict either (null <= 2 would read as met).
      f.idle.cpuRatio === null ? undefined : f.idle.cpuRatio <= GOALS.idleCpuRatio,
      // /proc counts CPU time in ticks of 10 ms: the milliseconds are the counted figure.
      `${n(r.idle.eposd.cpuMs, 0)} ms of CPU in ${n(r.idle.seconds, 1)} s; baseline ${n(r.idle.baseline.cpuMs, 0)} ms (${n(r.idle.baseline.cpuPercent, 3)} %): ratio ${f2(f.idle.cpuRatio)}`,
    ),
  ];
  const cols = ['figure', 'key', 'value', 'goal', 'verdict', 'baseline'];
  const width = Object.fromEntries(cols.map((c) => [c, Math.max(c.length, ...rows.map((x) => String(x[c]).length))]));
  const line = (x) =>
    cols
      .map((c) => String(x[c]).padEnd(width[c]))
      .join('  ')
      .trimEnd();
  const mode = smoke ? 'smoke (BENCH_SMOKE=1)' : quick ? 'quick' : 'full';
  return [
    `eposd bench (${mode}), node ${process.version}, load average ${n(r.load1.start)} at the start, ${n(r.load1.end)} at the end`,
    line(Object.fromEntries(cols.map((c) => [c, c]))),
    ...rows.map(line),
    '',
  ].join('\n');
}
