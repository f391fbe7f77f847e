// How eposd's process is started: by `npm start` (scripts/start.mjs), by the bench, and by a terminal's
// service definition, which should use the same flags and environment (docs/performance.md).
//
// A terminal is a small device: V8's defaults size the heap for throughput on a desktop. Measured with
// `npm run bench` (docs/performance.md):
//   --max-semi-space-size=1 --max-old-space-size=256
//                           V8 keeps the heap small rather than letting garbage build up between full
//                           collections: the young generation at 1 MB a half instead of growing to 16, and
//                           the old one grown by the smaller factor V8 picks for a small heap limit (the
//                           live heap is about 17 MB under load, the limit 15 times that). Under 50 long-polling
//                           POS and 10 sales a second the RSS peaks at about 80 MB instead of 120 to 160.
//                           --optimize-for-size did the same for memory (session 2) but cost about a
//                           tenth more CPU per request, the acknowledgement and the status lookups
//                           (session 6, docs/performance.md).
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
export const NODE_ARGS = ['--max-semi-space-size=1', '--max-old-space-size=256'];
export const RUNTIME_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' };
