#!/usr/bin/env node
// Time from spawning `node dist/main.js` to its `eposd ready` line, on a first start (fresh
// directories: database created, key and certificate generated) and on a restart (same directories).
//
//   npm run startup-time            # builds, then 7 runs of each
//   node scripts/startup-time.mjs 15
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = join(ROOT, 'dist', 'main.js');
const RUNS = Number(process.argv[2] ?? 7);
const READY_TIMEOUT_MS = 30_000;
const EXIT_TIMEOUT_MS = 10_000;

if (!Number.isInteger(RUNS) || RUNS < 1) {
  console.error('usage: startup-time.mjs [runs]');
  process.exit(2);
}

/** Starts eposd, resolves with ms to the ready line, then stops it with SIGTERM and waits for it to exit. */
function timeOneStart(dataDir, certDir) {
  return new Promise((resolveTime, reject) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EPOSD_')));
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [MAIN], {
      cwd: ROOT,
      env: { ...env, EPOSD_PORT: '0', EPOSD_SCREEN_PORT: '0', EPOSD_HOST: '127.0.0.1', EPOSD_DATA_DIR: dataDir, EPOSD_CERT_DIR: certDir, EPOSD_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let elapsedMs;
    child.stderr.on('data', (c) => (stderr += c));
    const readyTimer = setTimeout(() => child.kill('SIGKILL'), READY_TIMEOUT_MS);
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (elapsedMs !== undefined || !line.startsWith('eposd ready')) return;
      elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
      clearTimeout(readyTimer);
      setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS).unref();
      child.kill('SIGTERM');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(readyTimer);
      if (elapsedMs === undefined) reject(new Error(`eposd exited (${code ?? signal}) before it was ready:\n${stderr}`));
      else if (code !== 0) reject(new Error(`eposd did not stop cleanly (${code ?? signal}):\n${stderr}`));
      else resolveTime(elapsedMs);
    });
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(label, times) {
  const sorted = [...times].sort((a, b) => a - b);
  const f = (ms) => `${ms.toFixed(0)} ms`;
  return `${label.padEnd(40)} median ${f(percentile(sorted, 50)).padStart(7)}   p90 ${f(percentile(sorted, 90)).padStart(7)}   min ${f(sorted[0]).padStart(7)}   max ${f(sorted.at(-1)).padStart(7)}`;
}

const first = [];
const restart = [];
const root = mkdtempSync(join(tmpdir(), 'eposd-startup-'));
const cleanup = () => rmSync(root, { recursive: true, force: true });
process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});
try {
  for (let i = 0; i < RUNS; i++) {
    const dataDir = join(root, `run-${i}`, 'data');
    const certDir = join(root, `run-${i}`, 'certs');
    first.push(await timeOneStart(dataDir, certDir));
    restart.push(await timeOneStart(dataDir, certDir));
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  console.log(`node ${process.version}, ${RUNS} runs each, spawn to "eposd ready":`);
  console.log(summary('first start (database and certificate made)', first));
  console.log(summary('restart (same directories)', restart));
} finally {
  cleanup();
}
