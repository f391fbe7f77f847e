import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { cleanupEposd, makeTempDir, ROOT } from '../helpers/process';

// The bundles' loader (dist/bundle/main.js, embedded.js): a bundle runs as its loader's module, and
// what V8 compiled is cached beside it for the next start of the same text on the same Node.

/** A bundle that reports what it saw: its exports are what a loader's module would export. */
const bundleText = (value: string) => `module.exports = { value: '${value}', isMain: require.main === module, dir: __dirname, file: __filename, add: (a, b) => a + b };\n`;

/**
 * Runs the bundle as a start does: `node loader.js`, the loader beside it written as scripts/bundle.mjs
 * writes them, with tsc's build of the loader's code. Each load is a process of its own: within one,
 * V8 would find the script it compiled before in its own memory and never read the cache.
 */
function load(file: string): { use: string; seen: { value: string; isMain: boolean; dir: string; file: string; sum: number } } {
  const loader = join(dirname(file), 'loader.js');
  writeFileSync(
    loader,
    `const use = require(${JSON.stringify(join(ROOT, 'dist', 'code-cache.js'))}).runBundle(require('node:path').join(__dirname, ${JSON.stringify(basename(file))}), module, require);\n` +
      'process.stdout.write(JSON.stringify({ use, seen: { ...module.exports, sum: module.exports.add(2, 3) } }));\n',
  );
  const run = spawnSync(process.execPath, [loader], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as ReturnType<typeof load>;
}

const caches = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.cache'));

describe('When a bundle is run through its loader', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = makeTempDir('eposd-code-cache-');
    file = join(dir, 'main.code.js');
    writeFileSync(file, bundleText('one'));
  });
  afterAll(cleanupEposd);

  it('then it runs as the loader module, the main module when the loader is, and its cache is made beside it', () => {
    const { use, seen } = load(file);
    expect(use).toBe('made');
    expect(seen).toEqual({ value: 'one', isMain: true, dir, file, sum: 5 });
    expect(caches(dir)).toEqual([expect.stringMatching(/^main\.code\.js\.[0-9a-f]{16}-[0-9a-f]{16}\.cache$/)]);
    expect(statSync(join(dir, caches(dir)[0]!)).size).toBeGreaterThan(0);
  });

  it('then the next start uses the cache, and leaves it as it was', () => {
    load(file);
    const cache = join(dir, caches(dir)[0]!);
    const made = statSync(cache).mtimeMs;
    const { use, seen } = load(file);
    expect(use).toBe('used');
    expect(seen.value).toBe('one');
    expect(statSync(cache).mtimeMs).toBe(made);
  });

  it('then a rebuilt bundle of the same length runs its own code, not the cache of the old one, which is removed', () => {
    load(file);
    const old = caches(dir);
    writeFileSync(file, bundleText('two'));
    const { use, seen } = load(file);
    expect(use).toBe('made');
    expect(seen.value).toBe('two');
    expect(caches(dir)).toHaveLength(1);
    expect(caches(dir)).not.toEqual(old);
    expect(load(file)).toMatchObject({ use: 'used', seen: { value: 'two' } });
  });

  it.each([
    ['its header', 40],
    ['its contents behind a sound header (V8 itself would stop Node with a fatal error)', 0.6],
  ])('then a cache damaged in %s is refused, the bundle compiled as if there were none, and the cache made again', (_, at) => {
    writeFileSync(file, bundleText('one') + Array.from({ length: 200 }, (_, i) => `function f${i}(x) { return x * ${i} + ${i}; }\nf${i}(1);\n`).join(''));
    load(file);
    const cache = join(dir, caches(dir)[0]!);
    const bytes = readFileSync(cache);
    const from = at < 1 ? Math.floor(bytes.length * at) : at;
    for (let i = from; i < from + 64; i++) bytes[i] = bytes[i]! ^ 0xff;
    writeFileSync(cache, bytes);
    const { use, seen } = load(file);
    expect(use).toBe('rejected');
    expect(seen.value).toBe('one');
    expect(load(file).use).toBe('used');
  });

  it('then a cache that cannot be written leaves the start to go on without it, and no part of a file behind', () => {
    load(file);
    const cache = join(dir, caches(dir)[0]!);
    rmSync(cache);
    // Where the cache would go, a directory that is not empty: reading and renaming onto it both fail, even as root.
    mkdirSync(cache);
    writeFileSync(join(cache, 'keep'), '');
    const { use, seen } = load(file);
    expect(use).toBe('unwritable');
    expect(seen.value).toBe('one');
    expect(readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('then a bundle that throws as it loads throws to its loader, and no cache is made of it', () => {
    writeFileSync(file, "throw new Error('no configuration');\n");
    expect(() => load(file)).toThrow('Error: no configuration');
    expect(caches(dir)).toEqual([]);
  });
});
