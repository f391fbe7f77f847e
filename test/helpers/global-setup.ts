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
}
