import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Builds dist/ once before any test file runs: the end-to-end tests start `node dist/main.js`, the
 * real thing. The build is incremental, so an up-to-date dist costs little.
 */
export default function globalSetup(): void {
  const root = resolve(__dirname, '../..');
  // Without its outputs the incremental build info would claim there is nothing to do.
  if (!existsSync(join(root, 'dist', 'main.js'))) rmSync(join(root, 'dist', '.tsbuildinfo'), { force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  // And the bundle that npm start runs (test/e2e/bundle.test.ts, the bench's smoke test).
  execFileSync(process.execPath, ['scripts/bundle.mjs'], { cwd: root, stdio: 'inherit' });
  // The browser tests' Chromium, from npm (test/helpers/browser.ts): extracted once, here, before the
  // workers that use it start. Where it cannot run, those tests fall back to Debian's or are skipped.
  try {
    execFileSync(process.execPath, ['scripts/chromium.mjs'], { cwd: root, stdio: 'pipe' });
  } catch (err) {
    process.stderr.write(`The npm registry's Chromium could not be extracted: ${String((err as { stderr?: Buffer }).stderr ?? err).slice(-300)}\n`);
  }
}
