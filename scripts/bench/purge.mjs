// The longest event-loop stall while eposd purges expired transactions: purge-probe.mjs runs the
// purge on a seeded database while noise-probe.mjs, beside it, shows what an idle process sees on
// this machine over the same time.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BENCH_DIR, ROOT } from './lib/paths.mjs';

function runNode(script, args, { stdin = 'ignore' } = {}) {
  const child = spawn(process.execPath, [join(BENCH_DIR, script), ...args], { cwd: ROOT, stdio: [stdin, 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (err += c));
  const done = new Promise((resolve, reject) =>
    child.once('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1))) : reject(new Error(`${script} exited ${code}:\n${err}`)))),
  );
  return { child, done };
}

export async function purgeStall(dataDir) {
  const noise = runNode('noise-probe.mjs', [], { stdin: 'pipe' });
  try {
    const purge = await runNode('purge-probe.mjs', [dataDir]).done;
    return { purge, noise: await (noise.child.stdin.end(), noise.done) };
  } finally {
    noise.child.stdin.destroyed || noise.child.stdin.end();
  }
}
