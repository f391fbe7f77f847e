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
 * turn. The first, untimed, warms the OS caches. Resolves with the median per main.
 */
export async function warmStarts(dir, runs, mains) {
  await (await startEposd(dir)).stop();
  const times = mains.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [m, main] of mains.entries()) {
      const e = await startEposd(dir, {}, { main });
      times[m].push(e.readyMs);
      await e.stop();
    }
  }
  return times.map((t) => ({ medianMs: median(t), times: t }));
}

/** The baseline server's spawn-to-listening time: node, better-sqlite3 and the certificate, nothing else. */
export async function baselineStarts(certDir, dbFile, runs) {
  const times = [];
  for (let i = 0; i < runs + 1; i++) {
    const b = await startBaseline({ certDir, dbFile });
    if (i > 0) times.push(b.readyMs);
    await b.stop();
  }
  return { medianMs: median(times), times };
}
