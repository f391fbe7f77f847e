#!/usr/bin/env node
// Memory of an embedded eposd (src/embedded.ts) with V8's heap flags given in the ways a host app can:
// npm start's as Node's arguments (as a host passes them to nodejs-mobile's startNodeWithArguments),
// with and without start()'s in-process --optimize-for-size (v8.setFlagsFromString, its default), the
// older --optimize-for-size as Node's argument, in-process alone, and none (VARIANTS). Each run: a host process that loads
// dist/bundle/embedded.js (certificate made beforehand, as on every start but the first), one POS
// paired and one payment made, the RSS after `--idle` seconds; then the bench's load (50 long-polling
// POS, 10 sales a second, card 30 ms, host 20 ms) for `--load` seconds, its highest RSS. The variants
// alternate, `--rounds` times. glibc's MALLOC_* settings of scripts/runtime.mjs are set for every
// variant (they mean nothing to Android's C library), except `no-malloc-env`.
//
//   npm run build && node scripts/embedded-memory.mjs [--rounds 2] [--idle 20] [--load 30]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { httpsAgent } from './bench/lib/client.mjs';
import { outcome, pair, sale } from './bench/lib/eposd.mjs';
import { ROOT } from './bench/lib/paths.mjs';
import { procStats } from './bench/lib/proc.mjs';
import { LOAD_AUTH_DELAY_MS, LOAD_CARD_DELAY_MS, prepareLoad } from './bench/load.mjs';
import { NODE_ARGS, RUNTIME_ENV } from './runtime.mjs';

const EMBEDDED = join(ROOT, 'dist', 'bundle', 'embedded.js');

// The host: `node scripts/embedded-memory.mjs --host <dir> [--no-v8-flags]`. Prints eposd's `ready`
// as one JSON line; stops eposd when its input ends.
async function host(dir, v8Flags) {
  const { createRequire } = await import('node:module');
  const { start } = createRequire(import.meta.url)(EMBEDDED);
  const eposd = await start({
    dataDir: join(dir, 'data'),
    certDir: join(dir, 'certs'),
    port: 0,
    screenPort: 0,
    host: '127.0.0.1',
    logLevel: 'warn',
    pairRateLimit: 1000,
    simCardDelayMs: LOAD_CARD_DELAY_MS,
    simAuthDelayMs: LOAD_AUTH_DELAY_MS,
    v8Flags,
  });
  process.stdout.write(`${JSON.stringify(eposd.ready)}\n`);
  process.stdin.resume().on('end', () => void eposd.stop());
}

const VARIANTS = {
  // npm start's heap flags as Node's arguments, and nothing set in-process.
  'command-line': { nodeArgs: NODE_ARGS, v8Flags: false, env: RUNTIME_ENV },
  // The same, with start()'s default on: what an embedded start adds to them.
  'command-line+in-process': { nodeArgs: NODE_ARGS, v8Flags: true, env: RUNTIME_ENV },
  // --optimize-for-size (npm start's flag until session 6) with a 128 MB cap, as Node's arguments.
  'optimize-for-size': { nodeArgs: ['--optimize-for-size', '--max-old-space-size=128'], v8Flags: true, env: RUNTIME_ENV },
  'in-process': { nodeArgs: [], v8Flags: true, env: RUNTIME_ENV },
  none: { nodeArgs: [], v8Flags: false, env: RUNTIME_ENV },
  'no-malloc-env': { nodeArgs: NODE_ARGS, v8Flags: false, env: {} },
};

function launch(dir, variant) {
  const { nodeArgs, v8Flags, env } = VARIANTS[variant];
  const args = [...nodeArgs, import.meta.filename, '--host', dir, ...(v8Flags ? [] : ['--no-v8-flags'])];
  const child = spawn(process.execPath, args, { cwd: '/', env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
  const closed = new Promise((resolve) => child.once('close', resolve));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) => resolve({ ...JSON.parse(line), pid: child.pid, stop: () => (child.stdin.end(), closed) }));
    void closed.then((code) => reject(new Error(`the host exited (${code}) before eposd was ready`)));
  });
}

async function measure(variant, { idleS, loadS }) {
  const dir = mkdtempSync(join(tmpdir(), 'eposd-embedded-memory-'));
  try {
    await (await launch(dir, 'none')).stop(); // the certificate and the database, made once beforehand
    const eposd = await launch(dir, variant);
    const agent = httpsAgent();
    const token = await pair(eposd, agent, 'till-1');
    await outcome(eposd, agent, token, (await sale(eposd, agent, token)).uti);
    agent.destroy();
    await new Promise((r) => setTimeout(r, idleS * 1000));
    const idleRssMB = procStats(eposd.pid).rssMB;
    const load = await prepareLoad(eposd, { pollers: 50 });
    const { maxRssMB, salesPerS } = await load.run(loadS, 10);
    load.close();
    await eposd.stop();
    return { variant, idleRssMB, loadedRssMB: maxRssMB, salesPerS };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const { values } = parseArgs({
  options: {
    host: { type: 'string' },
    'no-v8-flags': { type: 'boolean' },
    rounds: { type: 'string', default: '2' },
    idle: { type: 'string', default: '20' },
    load: { type: 'string', default: '30' },
    variants: { type: 'string', default: Object.keys(VARIANTS).join(',') },
  },
});
if (values.host) {
  await host(values.host, !values['no-v8-flags']);
} else {
  const rows = [];
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const variant of values.variants.split(',')) {
      const r = await measure(variant, { idleS: Number(values.idle), loadS: Number(values.load) });
      rows.push(r);
      process.stderr.write(`round ${round} ${variant.padEnd(13)} idle ${r.idleRssMB.toFixed(1)} MB, loaded ${r.loadedRssMB.toFixed(1)} MB (${r.salesPerS.toFixed(1)} sales/s)\n`);
    }
  }
  console.log(JSON.stringify(rows));
}
