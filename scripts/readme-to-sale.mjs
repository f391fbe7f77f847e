#!/usr/bin/env node
// The time from a clean clone to an approved sale by the README alone (docs/development.md): clones
// this repository's committed HEAD into a temporary folder and does there what the README says —
// `npm ci`, `npm start` (left running), then the curl recipe of "POS developer quick start" in a second
// shell — and prints how long each step took, as it measured them. The only change to the README's
// commands: npm start is given free ports (EPOSD_PORT, EPOSD_SCREEN_PORT) so that it can run beside
// another eposd, and the recipe's URLs are given them too. Not run by CI: it is a benchmark.
//
//   node scripts/readme-to-sale.mjs
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** The sh blocks of the README under `heading` (as test/helpers/recipes.ts reads them). */
function blocksUnder(readme, heading) {
  const blocks = [];
  let inSection = false;
  let block;
  let fenced = false;
  for (const line of readme.split('\n')) {
    if (line.startsWith('```')) {
      if (fenced && block) blocks.push(block.join('\n'));
      block = !fenced && inSection && line === '```sh' ? [] : undefined;
      fenced = !fenced;
    } else if (fenced) block?.push(line);
    else if (/^#{1,6} /.test(line)) inSection = line === heading;
  }
  return blocks;
}

const work = mkdtempSync(join(tmpdir(), 'eposd-readme-clone-'));
const clone = join(work, 'eposd');
const steps = [];
let eposd;
try {
  const began = Date.now();
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', ROOT, clone], { stdio: 'inherit' });
  steps.push(['git clone', Date.now() - began]);

  let t = Date.now();
  execFileSync('npm', ['ci'], { cwd: clone, stdio: ['ignore', 'ignore', 'inherit'] });
  steps.push(['npm ci', Date.now() - t]);

  const [api, screen] = [await freePort(), await freePort()];
  t = Date.now();
  eposd = spawn('npm', ['start'], { cwd: clone, env: { ...process.env, EPOSD_PORT: String(api), EPOSD_SCREEN_PORT: String(screen) }, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  await new Promise((resolve, reject) => {
    createInterface({ input: eposd.stdout }).on('line', (line) => line.startsWith('eposd ready') && resolve());
    eposd.once('exit', (code) => reject(new Error(`npm start exited (${code}) before eposd was ready`)));
  });
  steps.push(['npm start, to its ready line (the build and the first start)', Date.now() - t]);

  const [recipe] = blocksUnder(readFileSync(join(clone, 'README.md'), 'utf8'), '### With curl');
  const script = recipe.replaceAll('http://127.0.0.1:8080', `http://127.0.0.1:${screen}`).replaceAll('https://127.0.0.1:8443', `https://127.0.0.1:${api}`);
  t = Date.now();
  const out = execFileSync('bash', ['-c', script], { cwd: work, encoding: 'utf8' });
  if (!/^APPROVED \d{6}$/m.test(out)) throw new Error(`the recipe did not end APPROVED:\n${out}`);
  steps.push(['the curl recipe: pair, sale, outcome and receipt', Date.now() - t]);

  for (const [what, ms] of steps) console.log(`${seconds(ms).padStart(8)}  ${what}`);
  console.log(`${seconds(Date.now() - began).padStart(8)}  from a clean clone to an approved sale (Node ${process.version}, ${new Date().toISOString()})`);
} finally {
  if (eposd?.pid && eposd.exitCode === null) {
    const exited = new Promise((resolve) => eposd.once('exit', resolve));
    try {
      process.kill(-eposd.pid, 'SIGTERM');
      await exited;
    } catch {
      // already gone
    }
  }
  rmSync(work, { recursive: true, force: true });
}
