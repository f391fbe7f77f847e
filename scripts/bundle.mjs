#!/usr/bin/env node
// Bundles the compiled server (dist/main.js, from tsc) and the packages it loads into one file,
// dist/bundle/main.js, which `npm start` runs. A start then reads and compiles one file instead of
// some 600 modules, each found by its own file-system walk: on the benchmark machine that is 40 % of
// the time to `eposd ready` (docs/performance.md). The tests run the unbundled dist/main.js, and
// test/e2e/bundle.test.ts runs this one.
//
// The bundle sits two directories below the project, as every compiled module does, so the paths
// they take from __dirname (the screen's page in src/screen/public) lead to the same place.
// Left out, and required from node_modules when needed: better-sqlite3 (a native addon), and the
// packages only some starts load (selfsigned: the first; commander: one with flags; pino-pretty: one
// in a terminal).
//
//   node scripts/bundle.mjs        (npm run build and npm start run it after tsc)
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

await build({
  entryPoints: [join(ROOT, 'dist', 'main.js')],
  outfile: join(ROOT, 'dist', 'bundle', 'main.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['better-sqlite3', 'selfsigned', 'commander', 'pino-pretty'],
  // Smaller to parse at every start; names are kept, for stack traces and for `.name` checks.
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  sourcemap: 'linked',
  logLevel: 'warning',
});
