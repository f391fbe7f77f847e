import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from './process';

// The recipes of README.md and docs/*.md, extracted from the Markdown and run as a developer pastes them.

/** The sh code blocks of `doc` (a path from the repository's root) under `heading`, up to the next heading outside code blocks. */
export function shBlocks(doc: string, heading: string): string[] {
  const blocks: string[] = [];
  let inSection = false;
  let block: string[] | undefined;
  let fenced = false;
  for (const line of readFileSync(join(ROOT, doc), 'utf8').split('\n')) {
    if (line.startsWith('```')) {
      if (fenced && block) blocks.push(`${block.join('\n')}\n`);
      block = !fenced && inSection && line === '```sh' ? [] : undefined;
      fenced = !fenced;
    } else if (fenced) block?.push(line);
    else if (/^#{1,6} /.test(line)) inSection = line === heading;
  }
  if (blocks.length === 0) throw new Error(`${doc} has no sh block under ${heading}`);
  return blocks;
}

/** The test process's environment without its EPOSD_* settings: a recipe sets its own. */
const shellEnv = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EPOSD_'))), ...env });

export interface BashRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a recipe in bash, in `cwd`, to its end; `stdin` is what is typed into it. */
export function bash(script: string, cwd: string, env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000, stdin = ''): Promise<BashRun> {
  return new Promise((resolve) => {
    const child = execFile('bash', ['-c', script], { cwd, timeout: timeoutMs, env: shellEnv(env) }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin);
  });
}

export interface Running {
  /** Every line written to stdout so far. */
  lines: string[];
  stderr: string[];
  /** Ends the recipe's processes (its whole process group) and waits for bash to exit. */
  stop(): Promise<void>;
}

/** Runs a recipe whose last command keeps running (a server) until it prints a line matching `ready` (on stdout or stderr). */
export async function bashUntil(script: string, cwd: string, env: NodeJS.ProcessEnv, ready: RegExp, timeoutMs = 30_000): Promise<Running & { ready: RegExpExecArray }> {
  const child = spawn('bash', ['-c', script], { cwd, env: shellEnv(env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const lines: string[] = [];
  const stderr: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    await exited;
  };
  const match = await new Promise<RegExpExecArray | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), timeoutMs);
    const watch = (into: string[]) => (l: string) => {
      into.push(l);
      const m = ready.exec(l);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    createInterface({ input: child.stdout }).on('line', watch(lines));
    createInterface({ input: child.stderr }).on('line', watch(stderr));
    void exited.then(() => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
  if (!match) {
    await stop();
    throw new Error(`the recipe did not print ${ready}; stdout:\n${lines.join('\n')}\nstderr:\n${stderr.join('\n')}`);
  }
  return { lines, stderr, stop, ready: match };
}

/**
 * Types into `shell` (a command line for bash -c) as a person does: each text, then waits until the
 * output so far matches its `after`; then waits for the shell to end. Answers everything it printed.
 */
export async function typeInto(shell: string, cwd: string, steps: [text: string, after: RegExp | undefined][], timeoutMs = 60_000): Promise<BashRun> {
  const child = spawn('bash', ['-c', shell], { cwd, env: shellEnv({ HOME: cwd }), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number>((resolve) => child.once('close', (code) => resolve(code ?? 1)));
  const deadline = Date.now() + timeoutMs;
  try {
    for (const [text, after] of steps) {
      child.stdin.write(text);
      while (after && !after.test(stdout) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    }
    child.stdin.end();
    const code = await Promise.race([exited, new Promise<number>((resolve) => setTimeout(() => resolve(-1), Math.max(0, deadline - Date.now())).unref())]);
    return { code, stdout, stderr };
  } finally {
    child.kill('SIGKILL');
  }
}
