// Starting the baseline server (baseline-server.mjs) as its own process, like eposd.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BENCH_DIR, ROOT } from './paths.mjs';

const READY_TIMEOUT_MS = 60_000;
const running = new Set();
export function killAllBaselines() {
  for (const child of running) child.kill('SIGKILL');
}

/** Resolves with the baseline's URL, pid and spawn-to-listening time. */
export function startBaseline({ certDir, dbFile, statusBody, outcomeAfterMs }) {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [join(BENCH_DIR, 'baseline-server.mjs'), JSON.stringify({ certDir, dbFile, statusBody, outcomeAfterMs })], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const closed = new Promise((resolve) => child.once('close', (code, signal) => (running.delete(child), resolve({ code, signal }))));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`baseline not ready:\n${stderr}`))), READY_TIMEOUT_MS);
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^baseline ready port=(\d+)/.exec(line);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        url: `https://127.0.0.1:${m[1]}/payntpos/1.0.0`,
        pid: child.pid,
        readyMs: Number(process.hrtime.bigint() - started) / 1e6,
        stderr: () => stderr,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return closed;
        },
      });
    });
    void closed.then((e) => (clearTimeout(timer), reject(new Error(`baseline exited (${e.code ?? e.signal}):\n${stderr}`))));
  });
}
