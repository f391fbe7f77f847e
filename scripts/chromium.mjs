#!/usr/bin/env node
// The browser tests' Chromium, from the npm registry (@sparticuz/chromium, a devDependency): its
// compressed binary and fonts, extracted once into node_modules/.cache/chromium/ (a private folder, so
// that no other user or checkout shares or races for /tmp/chromium, the package's own choice). Prints
// the binary's path. test/helpers/global-setup.ts runs it before the tests; without it the browser tests
// use Debian's chromium if there is one, or are skipped and named at the end of the run.
//
//   node scripts/chromium.mjs
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CHROMIUM_DIR = join(ROOT, 'node_modules', '.cache', 'chromium');
const binary = join(CHROMIUM_DIR, 'chromium');

if (!existsSync(binary)) {
  // The package extracts into os.tmpdir(), read from TMPDIR at each call: a folder of our own, renamed into place whole.
  const work = `${CHROMIUM_DIR}.${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  process.env.TMPDIR = work;
  const { default: chromium } = await import('@sparticuz/chromium');
  await chromium.executablePath();
  // Its fonts.conf names /tmp/fonts: ours names the fonts it brought, then the machine's.
  const fonts = (dir) => join(CHROMIUM_DIR, dir);
  writeFileSync(
    join(work, 'fonts.conf'),
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${fonts('fonts/fonts')}</dir>\n  <dir>/usr/share/fonts</dir>\n  <cachedir>${fonts('fonts-cache')}</cachedir>\n</fontconfig>\n`,
  );
  rmSync(CHROMIUM_DIR, { recursive: true, force: true });
  renameSync(work, CHROMIUM_DIR);
}
process.stdout.write(`${binary}\n`);
