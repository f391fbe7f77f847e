// Starting eposd as a real process on 127.0.0.1, as `npm start` does (scripts/runtime.mjs), and pairing a POS with it.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BUNDLE, NODE_ARGS, RUNTIME_ENV } from '../../runtime.mjs';
import { call, getJson, postJson } from './client.mjs';
import { ROOT } from './paths.mjs';

/** What `npm start` runs (scripts/bundle.mjs), and what the tests run (tsc's output). */
export { BUNDLE };
export const UNBUNDLED = join(ROOT, 'dist', 'main.js');
const READY = /^eposd ready api=(\S+) screen=(\S+) tid=(\S+) fingerprint=(\S+)/;
export const READY_TIMEOUT_MS = 60_000;
const EXIT_TIMEOUT_MS = 15_000;

/** Every process started here, killed if the bench stops early. */
const running = new Set();
export function killAll() {
  for (const child of running) child.kill('SIGKILL');
}

/** The environment of a bench run: npm start's, the parent's EPOSD_* dropped, simulator delays 0, loopback, logs at warn. */
function eposdEnv(dir, env) {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EPOSD_')));
  return {
    ...inherited,
    ...RUNTIME_ENV,
    EPOSD_PORT: '0',
    EPOSD_SCREEN_PORT: '0',
    EPOSD_HOST: '127.0.0.1',
    EPOSD_DATA_DIR: join(dir, 'data'),
    EPOSD_CERT_DIR: join(dir, 'certs'),
    EPOSD_SIM_CARD_DELAY_MS: '0',
    EPOSD_SIM_AUTH_DELAY_MS: '0',
    EPOSD_LOG_LEVEL: 'warn',
    EPOSD_MDNS: 'false',
    ...env,
  };
}

/**
 * Spawns eposd (`main`: by default the bundle npm start runs) in `dir` (data/ and certs/ inside), with
 * npm start's Node flags, and resolves once it prints `eposd ready`, with the time from spawn to that
 * line. `nodeArgs` (e.g. --cpu-prof) are added, for profiling by hand. `node` is the command that runs
 * Node (scripts/check-arm64.mjs: qemu-aarch64 and an arm64 node).
 */
export function startEposd(dir, env = {}, { nodeArgs = [], main = BUNDLE, node = [process.execPath] } = {}) {
  mkdirSync(dir, { recursive: true });
  const spawnedAt = Date.now();
  const started = process.hrtime.bigint();
  const child = spawn(node[0], [...node.slice(1), ...NODE_ARGS, ...nodeArgs, main], { cwd: ROOT, env: eposdEnv(dir, env), stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stderr = '';
  child.stderr.on('data', (c) => {
    if (stderr.length < 20_000) stderr += c;
  });
  const closed = new Promise((resolve) => child.once('close', (code, signal) => (running.delete(child), resolve({ code, signal }))));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`eposd was not ready within ${READY_TIMEOUT_MS} ms:\n${stderr}`));
    }, READY_TIMEOUT_MS);
    // Standard output carries a [screen] line per step: it is read to the end so the pipe never fills.
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = READY.exec(line);
      if (!m) return;
      clearTimeout(timer);
      const readyMs = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({
        apiUrl: m[1],
        screenUrl: m[2],
        tid: m[3],
        fingerprint: m[4],
        pid: child.pid,
        dir,
        readyMs,
        /** The wall clock at the spawn (ms), to set eposd's own log times against. */
        spawnedAt,
        stderr: () => stderr,
        /** Resolves with the first line of standard error that matches `pattern` (pino's JSON lines at info and above). */
        async stderrLine(pattern, timeoutMs) {
          for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
            const line = stderr.split('\n').find((l) => pattern.test(l));
            if (line) return line;
            if (child.exitCode !== null || child.signalCode !== null) break;
          }
          throw new Error(`no line matching ${pattern} on eposd's standard error within ${timeoutMs} ms:\n${stderr}`);
        },
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return closed;
          const killer = setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
          child.kill('SIGTERM');
          const exit = await closed;
          clearTimeout(killer);
          return exit;
        },
      });
    });
    void closed.then((e) => {
      clearTimeout(timer);
      reject(new Error(`eposd exited (${e.code ?? e.signal}) before it was ready:\n${stderr}`));
    });
  });
}

/** The pairing code on the terminal's screen, opening a pairing window first if none is open. */
export async function pairingCode(eposd) {
  let screen = await getJson(`${eposd.screenUrl}screen`);
  if (!screen.pairingCode) {
    await postJson(`${eposd.screenUrl}screen/actions`, { action: 'openPairing' });
    screen = await getJson(`${eposd.screenUrl}screen`);
  }
  return screen.pairingCode;
}

/** Pairs a POS: opens a pairing window on the screen if none is open, reads the code, pairs. Resolves with the token. */
export async function pair(eposd, agent, registerId) {
  const res = await call(agent, 'GET', `${eposd.apiUrl}/pair?pairingCode=${await pairingCode(eposd)}&registerId=${registerId}`);
  if (res.status !== 200) throw new Error(`pairing failed: ${res.status} ${res.text}`);
  return res.body.authToken;
}

/** A SALE; resolves with the acknowledgement. Retries while the terminal is still busy with the previous one. */
export async function sale(eposd, agent, token, { amount = 1000, reference, disablePrinting = false } = {}) {
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const res = await call(agent, 'POST', `${eposd.apiUrl}/transaction?tid=${eposd.tid}&disablePrinting=${disablePrinting}`, {
      token,
      body: { transType: 'SALE', amountTrans: amount, ...(reference ? { reference } : {}) },
    });
    if (res.status === 200) return res.body;
    if (res.status !== 409 || res.body?.code !== 'TERMINAL_BUSY') throw new Error(`POST /transaction answered ${res.status}: ${res.text}`);
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error('the terminal stayed busy');
}

/**
 * Reads the status until the transaction is final; resolves with it. With `longPoll` (the default)
 * each read waits up to 10 s for the outcome (`wait=10`); without, the reads follow each other back to back.
 */
export async function outcome(eposd, agent, token, uti, { timeoutMs = 30_000, longPoll = true } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await call(agent, 'GET', `${eposd.apiUrl}/transaction?uti=${uti}${longPoll ? '&wait=10' : ''}`, { token });
    if (res.status === 200) return res.body;
    if (res.status !== 202) throw new Error(`GET /transaction answered ${res.status}: ${res.text}`);
  }
  throw new Error(`${uti} still in progress after ${timeoutMs} ms`);
}
