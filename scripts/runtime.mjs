// How eposd's process is started: by `npm start` (scripts/start.mjs), by the bench, and by a terminal's
// service definition, which should use the same flags and environment (docs/performance.md).
//
// A terminal is a small device: V8's defaults size the heap for throughput on a desktop. Measured with
// `npm run bench` (docs/performance.md):
//   --optimize-for-size     V8 keeps the heap small rather than letting garbage build up between full
//                           collections: under 50 long-polling POS and 10 sales a second, the RSS peaks at
//                           about 80 MB instead of 140 to 160, and stays there.
//   MALLOC_ARENA_MAX        glibc: at most 2 malloc arenas, however many threads allocate.
//   MALLOC_MMAP_THRESHOLD_  glibc: allocations from 128 KiB are their own mappings, given back when freed.
//                           Left to itself glibc raises this bar each time such a block is freed (the first
//                           is reading the bundle), and the start's temporary blocks then stay in the heap:
//                           3 to 4 MB of an idle terminal's RSS. Other C libraries ignore both variables.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The bundle npm start runs (scripts/bundle.mjs). */
export const BUNDLE = join(ROOT, 'dist', 'bundle', 'main.js');
export const NODE_ARGS = ['--optimize-for-size'];
export const RUNTIME_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' };
