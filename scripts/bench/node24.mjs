#!/usr/bin/env node
// npm run bench:node24 [-- --quick] [-- --json]: the same bench with every Node process Node 24 (the
// terminal's runtime), from .node24/ as `npm run test:node24` prepares it (docs/runtimes.md).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { addonEnv, ensureNode, ensureSqliteAddon, nodeBinary, ROOT } from '../lib/node24.mjs';

const nodeDir = ensureNode('x64');
const node = nodeBinary(nodeDir);
const env = { ...process.env, ...addonEnv(ensureSqliteAddon(nodeDir)), PATH: `${dirname(node)}:${process.env.PATH}` };
const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, env, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
process.exit(spawnSync(node, [join(ROOT, 'scripts', 'bench', 'index.mjs'), ...process.argv.slice(2)], { cwd: ROOT, env, stdio: 'inherit' }).status ?? 1);
