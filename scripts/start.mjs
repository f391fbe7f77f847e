#!/usr/bin/env node
// npm start: builds (tsc, then the bundle) and runs eposd from the bundle as a terminal runs it, with
// the flags and environment of scripts/runtime.mjs. Arguments after `--` go to eposd
// (`npm start -- --help`). Ctrl-C reaches eposd from the terminal itself; a SIGTERM sent to this
// process is passed on. It exits with eposd's exit code.
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLE, NODE_ARGS, RUNTIME_ENV } from './runtime.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

try {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
} catch {
  process.exit(1);
}
await import('./bundle.mjs');

const eposd = spawn(process.execPath, [...NODE_ARGS, BUNDLE, ...process.argv.slice(2)], { cwd: ROOT, env: { ...process.env, ...RUNTIME_ENV }, stdio: 'inherit' });
process.on('SIGINT', () => {}); // the terminal sends it to eposd too
process.on('SIGTERM', () => eposd.kill('SIGTERM'));
eposd.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
