#!/usr/bin/env node
// Bundles the server (src/main.ts) and the packages it loads into one file, dist/bundle/main.js, which
// `npm start` runs; and the same for a host app that embeds eposd (src/embedded.ts, docs/android.md),
// dist/bundle/embedded.js. A start then reads and compiles one file instead of some 600 modules, each found
// by its own file-system walk: on the benchmark machine that is 40 % of the time to `eposd ready`
// (docs/performance.md). The tests run tsc's dist/main.js, and test/e2e/bundle.test.ts runs this one.
//
// Each is written as <name>.code.js, and <name>.js is a loader that turns on Node's compile cache
// (module.enableCompileCache, Node 22.1+) in dist/bundle/compile-cache/ before it loads the bundle: a
// start after the first reads back what V8 compiled. Node 20 has no compile cache: there the loader
// loads the bundle as it is, compiled at every start (docs/decisions.md).
//
// The bundle sits two directories below the project, as every compiled module does, so the paths
// they take from __dirname (the screen's page in src/screen/public) lead to the same place.
//
// Memory (docs/performance.md): V8 keeps the bundle's text for as long as eposd runs, so what is
// bundled should be what runs. Left out, and required from node_modules when needed: better-sqlite3
// (a native addon); the packages only some starts load (selfsigned: a first start, in a child
// process, or in-process when embedded; commander: a start with flags; pino-pretty: a start in a
// terminal; bonjour-service: a start with mDNS on; mqtt: a start with the relay on); iconv-lite, whose tables are half a megabyte of text of which eposd uses one
// encoding. Of mime-db only the types eposd sends are bundled (MIME_TYPES). `qs` (express's extended
// query strings and urlencoded bodies, neither used) is loaded only if something asks for it, and
// body-parser (express.json and the other parsers; eposd reads bodies itself) only if one is called.
// Imports are bundled from their ES module builds where they have one, so that only what is used of
// them (TypeBox's builders) is bundled.
//
//   node scripts/bundle.mjs        (npm run build and npm start run it after tsc)
import { build, stop } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The MIME types eposd sends (its JSON answers, problems, event streams, the screen's page), with
 * their mime-db entries: express looks types up there, and the whole table is half a megabyte of heap.
 * A type not listed is sent as application/octet-stream.
 */
const MIME_TYPES = [
  'application/json',
  'application/problem+json',
  'text/event-stream',
  'text/html',
  'text/css',
  'text/javascript',
  'application/javascript',
  'text/plain',
  'application/octet-stream',
  'image/svg+xml',
  'image/png',
  'image/x-icon',
];
const mimeSubset = {
  name: 'mime-subset',
  setup(b) {
    b.onLoad({ filter: /[\\/]mime-db[\\/]db\.json$/ }, async (args) => {
      const db = JSON.parse(await readFile(args.path, 'utf8'));
      return { contents: JSON.stringify(Object.fromEntries(MIME_TYPES.filter((t) => db[t]).map((t) => [t, db[t]]))), loader: 'json' };
    });
  },
};

/**
 * Packages required from node_modules at their first use, not when the module that imports them loads:
 * at the first read of one of their exports, or, for those whose exports are read as they load and
 * called later (`calls`), at the first call. body-parser: express reads its four parsers as it loads
 * (express.json and the others); eposd reads bodies itself (src/http/body.ts), and body-parser with
 * raw-body and iconv-lite is some 10 ms of a start.
 */
const LAZY = { qs: 'reads', 'body-parser': 'calls' };
const lazy = {
  name: 'lazy',
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(LAZY).join('|')})$`);
    b.onResolve({ filter }, (args) => (args.namespace === 'lazy' ? { path: args.path, external: true } : { path: args.path, namespace: 'lazy' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => {
      const load = `(m ??= require(${JSON.stringify(args.path)}))`;
      const get = LAZY[args.path] === 'calls' ? `(_, key) => (...a) => ${load}[key](...a)` : `(_, key) => ${load}[key]`;
      return { contents: `let m; module.exports = new Proxy({}, { get: ${get} });`, loader: 'js' };
    });
  },
};

const OUT = join(ROOT, 'dist', 'bundle');
/** The two bundles, each loaded by a loader of its own name. */
const BUNDLES = { main: 'main.ts', embedded: 'embedded.ts' };

await build({
  entryPoints: Object.fromEntries(Object.entries(BUNDLES).map(([name, src]) => [`${name}.code`, join(ROOT, 'src', src)])),
  outdir: OUT,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['better-sqlite3', 'selfsigned', 'commander', 'pino-pretty', 'bonjour-service', 'iconv-lite', 'mqtt'],
  mainFields: ['module', 'main'],
  plugins: [lazy, mimeSubset],
  // Minified: V8 keeps the text as long as eposd runs. Functions and classes keep their `.name` (the
  // error types in the logs); a stack trace's positions are read through the source map.
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: true,
  keepNames: true,
  sourcemap: 'linked',
  logLevel: 'warning',
});
// esbuild's service process would otherwise live on beside eposd under npm start.
await stop();
// The cache is written as soon as the bundle is loaded (Node would otherwise write it only at a clean
// exit, which a terminal killed by its OS never has), and before an embedded host calls start(), which
// may set a V8 flag: a cache made under other flags is refused. main.js then runs the command.
const loader = (name, then) =>
  [
    '"use strict";',
    'const m = require("node:module");',
    'm.enableCompileCache?.(require("node:path").join(__dirname, "compile-cache"));',
    `${then === 'run' ? 'const bundle' : 'module.exports'} = require("./${name}.code.js");`,
    'm.flushCompileCache?.();',
    ...(then === 'run' ? ['bundle.run();'] : []),
    '',
  ].join('\n');
writeFileSync(join(OUT, 'main.js'), loader('main', 'run'));
writeFileSync(join(OUT, 'embedded.js'), loader('embedded', 'export'));
