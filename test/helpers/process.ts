import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { httpsJson } from './http';

// Starts the built server (dist/main.js, built once by global-setup.ts) as a real process, the way
// `npm start` does, on ephemeral ports and in temporary directories. Call `cleanupEposd()` in
// afterAll: it kills whatever is still running and removes every temporary directory.

export const ROOT = resolve(__dirname, '../..');
export const MAIN = join(ROOT, 'dist', 'main.js');

const READY_TIMEOUT_MS = 20_000;
const EXIT_TIMEOUT_MS = 15_000;
const READY = /^eposd ready api=(\S+) screen=(\S+) tid=(\S+) fingerprint=(\S+)/;
// Settings a developer may set in the shell to run the end-to-end tests differently; every other
// EPOSD_* variable of the parent is dropped so that a stray one cannot change what a test sees.
const PASSTHROUGH = ['EPOSD_SIM_CARD_DELAY_MS', 'EPOSD_SIM_AUTH_DELAY_MS'];

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  args?: string[];
  /** Default: a fresh temporary directory. */
  dataDir?: string;
  /** Default: a fresh temporary directory. */
  certDir?: string;
}

export interface EposdProcess {
  apiUrl: string;
  screenUrl: string;
  tid: string;
  fingerprint: string;
  dataDir: string;
  certDir: string;
  pid: number;
  /** Lines written so far. */
  stdout(): string[];
  stderr(): string[];
  /** The first stdout line (already written or still to come) that matches. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<string>;
  kill(signal?: NodeJS.Signals): void;
  waitForExit(timeoutMs?: number): Promise<Exit>;
  /** SIGTERM, then the exit code once it has exited. */
  stop(timeoutMs?: number): Promise<number | null>;
}

// Every started process until its streams have closed; `exit` settles then.
const running = new Set<{ child: ChildProcess; exit: Promise<Exit> }>();
const tempDirs = new Set<string>();

/** A temporary directory removed by `cleanupEposd()`. */
export function makeTempDir(prefix = 'eposd-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** Kills every process this file started that is still running and removes the temporary directories. */
export async function cleanupEposd(): Promise<void> {
  await Promise.all(
    [...running].map(({ child, exit }) => {
      child.kill('SIGKILL');
      return exit;
    }),
  );
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

function childEnv(options: RunOptions, dataDir: string, certDir: string): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EPOSD_') || PASSTHROUGH.includes(k)));
  return {
    ...inherited,
    EPOSD_PORT: '0',
    EPOSD_SCREEN_PORT: '0',
    EPOSD_HOST: '127.0.0.1',
    EPOSD_DATA_DIR: dataDir,
    EPOSD_CERT_DIR: certDir,
    EPOSD_MDNS: 'false',
    ...options.env,
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface Spawned {
  child: ChildProcess;
  out: string[];
  err: string[];
  exit: Promise<Exit>;
  onLine(listener: (line: string) => void): () => void;
}

function spawnEposd(options: RunOptions, dataDir: string, certDir: string): Spawned {
  const child = spawn(process.execPath, [MAIN, ...(options.args ?? [])], {
    cwd: ROOT,
    env: childEnv(options, dataDir, certDir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const out: string[] = [];
  const err: string[] = [];
  const listeners = new Set<(line: string) => void>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    out.push(line);
    for (const l of listeners) l(line);
  });
  createInterface({ input: child.stderr }).on('line', (line) => void err.push(line));
  const exit = new Promise<Exit>((resolveExit) => {
    child.once('error', (e) => {
      err.push(`spawn failed: ${e.message}`);
      running.delete(entry);
      resolveExit({ code: null, signal: null });
    });
    // 'close' rather than 'exit': by then every line of stdout and stderr has been read.
    child.once('close', (code, signal) => {
      running.delete(entry);
      process.removeListener('exit', killOnExit);
      resolveExit({ code, signal });
    });
  });
  const entry = { child, exit };
  running.add(entry);
  const onLine = (listener: (line: string) => void) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  };
  return { child, out, err, exit, onLine };
}

function waitForLine(s: Spawned, pattern: RegExp, timeoutMs: number): Promise<string> {
  const already = s.out.find((l) => pattern.test(l));
  if (already !== undefined) return Promise.resolve(already);
  let stop = () => {};
  const found = new Promise<string>((resolveLine, reject) => {
    stop = s.onLine((line) => pattern.test(line) && resolveLine(line));
    void s.exit.then((e) => reject(new Error(`eposd exited (${e.code ?? e.signal}) before printing ${pattern}; stderr:\n${s.err.join('\n')}`)));
  });
  return withTimeout(found, timeoutMs, `a stdout line matching ${pattern}`).finally(stop);
}

/** Starts eposd and resolves once it has printed `eposd ready`; rejects (and kills it) if it exits or hangs first. */
export async function startEposd(options: RunOptions = {}): Promise<EposdProcess> {
  const dataDir = options.dataDir ?? makeTempDir('eposd-data-');
  const certDir = options.certDir ?? makeTempDir('eposd-certs-');
  const s = spawnEposd(options, dataDir, certDir);
  let ready: string;
  try {
    ready = await waitForLine(s, READY, READY_TIMEOUT_MS);
  } catch (err) {
    s.child.kill('SIGKILL');
    await s.exit;
    throw err;
  }
  const [, apiUrl, screenUrl, tid, fingerprint] = READY.exec(ready)!;
  // main.ts installs its SIGTERM/SIGINT handlers just after printing the ready line, so a signal sent
  // the instant the line appears can meet the default action and kill the process uncleanly. One
  // answer from the server shows that main() has moved past that point.
  await httpsJson(`${screenUrl}screen`).catch(() => undefined);
  const waitForExit = (timeoutMs = EXIT_TIMEOUT_MS) => withTimeout(s.exit, timeoutMs, `eposd (pid ${s.child.pid}) to exit`);
  return {
    apiUrl: apiUrl!,
    screenUrl: screenUrl!,
    tid: tid!,
    fingerprint: fingerprint!,
    dataDir,
    certDir,
    pid: s.child.pid!,
    stdout: () => [...s.out],
    stderr: () => [...s.err],
    waitForStdout: (pattern, timeoutMs = READY_TIMEOUT_MS) => waitForLine(s, pattern, timeoutMs),
    kill: (signal = 'SIGKILL') => void s.child.kill(signal),
    waitForExit,
    async stop(timeoutMs = EXIT_TIMEOUT_MS) {
      s.child.kill('SIGTERM');
      return (await waitForExit(timeoutMs)).code;
    },
  };
}

export interface RunResult extends Exit {
  stdout: string[];
  stderr: string[];
}

/**
 * Runs eposd to its end: for starts that are expected to fail, or, with `signalOnReady`, to send a
 * signal the instant the ready line appears. Killed if it is still running after the timeout.
 */
export async function runEposd(options: RunOptions & { signalOnReady?: NodeJS.Signals } = {}, timeoutMs = EXIT_TIMEOUT_MS): Promise<RunResult> {
  const s = spawnEposd(options, options.dataDir ?? makeTempDir('eposd-data-'), options.certDir ?? makeTempDir('eposd-certs-'));
  const { signalOnReady } = options;
  if (signalOnReady) s.onLine((line) => READY.test(line) && s.child.kill(signalOnReady));
  try {
    const exit = await withTimeout(s.exit, timeoutMs, 'eposd to exit');
    return { ...exit, stdout: s.out, stderr: s.err };
  } catch (err) {
    s.child.kill('SIGKILL');
    await s.exit;
    throw err;
  }
}
