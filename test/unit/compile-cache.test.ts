import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import { cleanupEposd, makeTempDir, ROOT } from '../helpers/process';

// The bundles' loaders as scripts/bundle.mjs writes them (dist/bundle/main.js, embedded.js), each beside
// a bundle of the test's own: Node's compile cache is turned on in compile-cache/ beside them before the
// bundle loads (Node 22.1 and later), and written as soon as it has loaded. Node 20 has no compile
// cache: there the bundle loads as it is. What Node did with a cache is read from its own debug output
// (NODE_DEBUG_NATIVE=COMPILE_CACHE); each load is a process of its own, as a start is.

const HAS_COMPILE_CACHE = typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === 'function';

/** A bundle that says what it saw: main.js runs it (run()), embedded.js exports it. */
const bundleText = (value: string) =>
  `module.exports = { value: '${value}', isMain: require.main === module, run: () => process.stdout.write(JSON.stringify({ ran: '${value}' })) };\n` +
  Array.from({ length: 200 }, (_, i) => `function f${i}(x) { return x * ${i} + ${i}; }\nf${i}(1);\n`).join('');

interface Load {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Node's word on the bundle's cache: accepted, or the reason it compiled instead. */
  cache: string[];
}

function load(dir: string, script: string): Load {
  const run = spawnSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8', env: { ...process.env, NODE_DEBUG_NATIVE: 'COMPILE_CACHE' } });
  const cache = run.stderr.split('\n').filter((l) => l.startsWith('[compile cache]') && l.includes('main.code.js') && /accepted|mismatch|no such file|not initialized/.test(l));
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, cache };
}
const start = (dir: string) => load(dir, `require(${JSON.stringify(join(dir, 'main.js'))})`);
const cacheFiles = (dir: string): string[] =>
  existsSync(join(dir, 'compile-cache'))
    ? readdirSync(join(dir, 'compile-cache'), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name))
    : [];

describe(`When a bundle is loaded through its loader (${HAS_COMPILE_CACHE ? `Node ${process.version}: with Node's compile cache` : `Node ${process.version}: no compile cache`})`, () => {
  let dir: string;

  beforeEach(() => {
    dir = makeTempDir('eposd-compile-cache-');
    for (const name of ['main', 'embedded']) {
      copyFileSync(join(ROOT, 'dist', 'bundle', `${name}.js`), join(dir, `${name}.js`));
      writeFileSync(join(dir, `${name}.code.js`), bundleText(name));
    }
  });
  afterAll(cleanupEposd);

  it('then main.js runs the command, and embedded.js exports what the bundle exports, neither as the main module', () => {
    expect(start(dir)).toMatchObject({ status: 0, stdout: JSON.stringify({ ran: 'main' }) });
    const embedded = load(dir, `const e = require(${JSON.stringify(join(dir, 'embedded.js'))}); process.stdout.write(JSON.stringify([e.value, e.isMain]))`);
    expect(embedded.stdout).toBe(JSON.stringify(['embedded', false]));
  });

  it('then a bundle that throws as it loads fails the start with its error', () => {
    writeFileSync(join(dir, 'main.code.js'), "throw new Error('no configuration');\n");
    const failed = start(dir);
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toContain('Error: no configuration');
  });

  if (!HAS_COMPILE_CACHE) {
    it('then no cache is made: the bundle is compiled at every start', () => {
      expect(start(dir).status).toBe(0);
      expect(start(dir).status).toBe(0);
      expect(existsSync(join(dir, 'compile-cache'))).toBe(false);
    });
    return;
  }

  it('then the first start writes the cache beside the loader, and the next reads it back and leaves it as it was', () => {
    const first = start(dir);
    expect(first.cache.join('\n')).toMatch(/no such file|not initialized/);
    const files = cacheFiles(dir);
    expect(files.length).toBeGreaterThan(0);
    const written = files.map((f) => statSync(f).mtimeMs);
    const second = start(dir);
    expect(second.status).toBe(0);
    expect(second.cache.join('\n')).toMatch(/was accepted/);
    expect(cacheFiles(dir).map((f) => statSync(f).mtimeMs)).toEqual(written);
  });

  it('then a rebuilt bundle of the same length runs its own code, not the cache of the old one', () => {
    start(dir);
    writeFileSync(join(dir, 'main.code.js'), bundleText('MAIN'));
    const rebuilt = start(dir);
    expect(rebuilt.stdout).toBe(JSON.stringify({ ran: 'MAIN' }));
    expect(rebuilt.cache.join('\n')).toMatch(/code hash mismatch/);
    expect(start(dir).cache.join('\n')).toMatch(/was accepted/);
  });

  it('then a cache damaged behind a sound header is refused, the bundle compiled as if there were none, and the cache made again', () => {
    start(dir);
    const [cache] = cacheFiles(dir).sort((a, b) => statSync(b).size - statSync(a).size); // the bundle's is the largest
    const bytes = readFileSync(cache!);
    const from = Math.floor(bytes.length * 0.6);
    for (let i = from; i < from + 64; i++) bytes[i] = bytes[i]! ^ 0xff;
    writeFileSync(cache!, bytes);
    const damaged = start(dir);
    expect(damaged).toMatchObject({ status: 0, stdout: JSON.stringify({ ran: 'main' }) });
    expect(damaged.cache.join('\n')).toMatch(/cache hash mismatch/);
    expect(start(dir).cache.join('\n')).toMatch(/was accepted/);
  });

  it('then a cache that cannot be written leaves the start to go on without it', () => {
    // Where the cache directory would go, a file: neither it nor anything in it can be made, even as root.
    writeFileSync(join(dir, 'compile-cache'), '');
    expect(start(dir)).toMatchObject({ status: 0, stdout: JSON.stringify({ ran: 'main' }) });
  });
});
