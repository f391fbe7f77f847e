import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from './process';

// eposd-bridge-sim (dist/bridge-sim/main.js) as a real process for the tests: started on a socket or a
// loopback port, driven through its standard input, killed or stopped. `stopBridgeSims()` in afterAll.

export const BRIDGE_SIM = join(ROOT, 'dist', 'bridge-sim', 'main.js');

export interface BridgeSimProcess {
  pid: number;
  /** The TCP port it listens on, when started with --port. */
  port: number | undefined;
  lines: string[];
  /** A line on its standard input (manual mode and test hooks). */
  input(line: string): void;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<ChildProcess>();

export async function startBridgeSim(args: string[], env: NodeJS.ProcessEnv = {}): Promise<BridgeSimProcess> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EPOSD_')));
  const child = spawn(process.execPath, [BRIDGE_SIM, ...args], {
    cwd: ROOT,
    env: { ...inherited, EPOSD_SIM_CARD_DELAY_MS: '0', EPOSD_SIM_AUTH_DELAY_MS: '0', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));
  const lines: string[] = [];
  const waiters = new Set<{ pattern: RegExp; resolve(line: string): void }>();
  const onLine = (line: string) => {
    lines.push(line);
    for (const w of waiters) {
      if (!w.pattern.test(line)) continue;
      waiters.delete(w);
      w.resolve(line);
    }
  };
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', (l) => onLine(`[stderr] ${l}`));
  const waitFor = (pattern: RegExp, timeoutMs = 10_000) => {
    const seen = lines.find((l) => pattern.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bridge-sim: no line matching ${pattern} within ${timeoutMs} ms; it wrote:\n${lines.join('\n')}`)), timeoutMs);
      waiters.add({ pattern, resolve: (l) => (clearTimeout(timer), resolve(l)) });
    });
  };
  const ready = await waitFor(/^eposd-bridge-sim ready/);
  const port = /port=(\d+)/.exec(ready)?.[1];
  return {
    pid: child.pid!,
    port: port === undefined ? undefined : Number(port),
    lines,
    input: (line) => void child.stdin.write(`${line}\n`),
    waitFor,
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export async function stopBridgeSims(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
