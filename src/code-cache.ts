import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

// How the bundles start (scripts/bundle.mjs): dist/bundle/main.js and embedded.js are two-line loaders
// that run main.code.js and embedded.code.js through runBundle, with V8's code cache.
//
// Compiling the bundle's 700 KB of JavaScript, and then the functions a start runs, is a fifth of the
// time to `eposd ready` (docs/performance.md, "Session 8"). V8 can save what it compiled and take it
// back instead of compiling again: the cache is made once, right after the bundle's own code has run
// (`npm start`'s has then read its configuration and opened its database), and every later
// start of the same bundle on the same Node reads it back. Node 22 has this built in
// (module.enableCompileCache); this works on every Node eposd runs on (docs/decisions.md).

/** How a bundle's code was compiled. */
export type CacheUse = 'used' | 'made' | 'rejected' | 'unwritable';

/**
 * Runs `file` (a CommonJS bundle) as the code of `mod`, the loader's module, with the loader's `req`:
 * `require.main === module` is true in it when the loader is the main module, and what it exports is
 * what the loader exports. Answers how its code was compiled.
 * @NOTE The cache's name carries a hash of the bundle's text: V8 checks only the length of the source a
 * cache was made from, and would run a stale cache's code for a rebuilt bundle of the same length. It
 * also carries Node's version, the processor and Node's arguments, which V8 checks (a cache made under
 * other V8 flags is refused), so that starts with different arguments do not overwrite each other's.
 * A cache V8 refuses (another Node), or whose checksum fails (damaged), costs one compile, as if
 * there were none, and is made again.
 * One that cannot be written (a read-only install) is not: the start goes on without.
 */
export function runBundle(file: string, mod: NodeJS.Module, req: NodeJS.Require): CacheUse {
  const source = readFileSync(file, 'utf8');
  const name = basename(file);
  const sourceKey = digest(source);
  const runtime = `${process.version} ${process.arch} ${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
  const cacheFile = join(dirname(file), `${name}.${sourceKey}-${digest(runtime)}.cache`);
  const found = readIfThere(cacheFile);
  const cachedData = found && verified(found);
  // The same wrapper Node gives a CommonJS module, on a line of its own: the bundle's line and column numbers are its own.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {\n${source}\n})`, { filename: file, lineOffset: -1, cachedData });
  (script.runInThisContext() as (...args: unknown[]) => void).call(mod.exports, mod.exports, req, mod, file, dirname(file));
  if (cachedData && !script.cachedDataRejected) return 'used';
  const made = writeAtomically(cacheFile, script.createCachedData());
  if (made) removeStale(dirname(file), name, sourceKey);
  return !made ? 'unwritable' : found ? 'rejected' : 'made';
}

/**
 * The cache behind its checksum, or nothing if they disagree.
 * @NOTE V8 checks a cache's header, not its contents (Node is built without the checksum check):
 * damaged bytes behind a sound header stop Node with a fatal error no JavaScript can catch, at every
 * start, for as long as the file is there. So the file begins with the SHA-256 of the rest.
 */
function verified(file: Buffer): Buffer | undefined {
  const data = file.subarray(CHECKSUM_BYTES);
  return file.length > CHECKSUM_BYTES && sha256(data).equals(file.subarray(0, CHECKSUM_BYTES)) ? data : undefined;
}

const CHECKSUM_BYTES = 32;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();
const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

function readIfThere(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * The checksum and the cache, written under a name of its own, on the disk, then renamed: a start
 * that reads it meanwhile, or after a power cut, finds it whole or not at all.
 */
function writeAtomically(file: string, data: Buffer): boolean {
  const part = `${file}.${process.pid}.part`;
  try {
    const fd = openSync(part, 'w', 0o644);
    try {
      writeSync(fd, sha256(data));
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(part, file);
    return true;
  } catch {
    try {
      unlinkSync(part);
    } catch {
      // Never written.
    }
    return false;
  }
}

/** Caches of an earlier build of the bundle: no start can use them again. */
function removeStale(dir: string, name: string, sourceKey: string): void {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return;
  }
  for (const f of files) {
    if (!f.startsWith(`${name}.`) || !f.endsWith('.cache') || f.startsWith(`${name}.${sourceKey}-`)) continue;
    try {
      unlinkSync(join(dir, f));
    } catch {
      // Another start removed it first.
    }
  }
}
