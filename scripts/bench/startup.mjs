// Cold start: spawn to the `eposd ready` line, stopped with SIGTERM after each start.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startBaseline } from './lib/baseline.mjs';
import { startEposd } from './lib/eposd.mjs';
import { median } from './lib/stats.mjs';

/** First starts: fresh directories each time, so the database is created and the certificate generated. */
export async function firstStarts(root, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const dir = join(root, `first-${i}`);
    const e = await startEposd(dir);
    times.push(e.readyMs);
    await e.stop();
    if (i < runs - 1) rmSync(dir, { recursive: true, force: true });
  }
  return { medianMs: median(times), times, lastDir: join(root, `first-${runs - 1}`) };
}

/**
 * Restarts on an existing directory (certificate present, database as it is), of each of `mains` in
 * turn, each round followed by a start of the baseline server (`baseline`: its certificate directory and
 * database), so that the ratio of their medians is taken in the same minutes. The first of each,
 * untimed, warms the OS caches. Resolves with the median per main, then the baseline's.
 */
export async function warmStarts(dir, runs, mains, baseline) {
  await (await startEposd(dir)).stop();
  await (await startBaseline(baseline)).stop();
  const times = [...mains, baseline].map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [m, main] of mains.entries()) {
      const e = await startEposd(dir, {}, { main });
      times[m].push(e.readyMs);
      await e.stop();
    }
    const b = await startBaseline(baseline);
    times[mains.length].push(b.readyMs);
    await b.stop();
  }
  return times.map((t) => ({ medianMs: median(t), times: t }));
}

/**
 * Starts on an existing directory and waits, after `eposd ready`, until the database check after the
 * start has finished: above 2 MiB quick_check in a worker thread, then the seal of every transaction,
 * 500 a turn (below it quick_check and the newest 1,000 seals come before listening, the rest after).
 * Until then payments are taken on a file not yet fully checked (docs/reliability.md). The moment is
 * the check's own log line ('database check finished', at info: pino's time, ms) against the spawn's
 * wall clock. Resolves with the times from spawn to ready and to that line, per start.
 */
export async function checkedStarts(dir, runs, { timeoutMs = 900_000 } = {}) {
  const ready = [];
  const checked = [];
  const checks = [];
  for (let i = 0; i < runs; i++) {
    const e = await startEposd(dir, { EPOSD_LOG_LEVEL: 'info' });
    const line = JSON.parse(await e.stderrLine(/"msg":"database check finished".*after start|after start.*"msg":"database check finished"/, timeoutMs));
    ready.push(e.readyMs);
    checked.push((typeof line.time === 'string' ? Date.parse(line.time) : line.time) - e.spawnedAt);
    checks.push({ kind: line.kind, ms: line.ms, ok: line.ok });
    await e.stop();
  }
  return { medianMs: median(checked), readyMedianMs: median(ready), times: checked, readyTimes: ready, checks };
}
