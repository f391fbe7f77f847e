#!/usr/bin/env node
// better-sqlite3 against Node's built-in node:sqlite, on Node 24, for eposd's commit pattern: a payment's
// row inserted, its first event inserted and the row updated to its outcome, in one transaction, on a
// file database in WAL mode with synchronous=FULL (src/db/open.ts), eposd's own schema (dist/db/migrations.js).
// The two take turns in blocks of 100 commits on the same disk, so that its drift weighs on both alike.
// Each is also loaded in a process of its own, for the time to load and open and the memory that costs.
//
//   node scripts/sqlite-compare.mjs [commits per driver, default 2000]
// Run on Node 20 it runs itself again under Node 24 (.node24/, scripts/lib/node24.mjs). Figures in docs/android.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { addonEnv, ensureNode, ensureSqliteAddon, nodeBinary, ROOT } from './lib/node24.mjs';

const SELF = fileURLToPath(import.meta.url);
const require = createRequire(import.meta.url);
const BLOCK = 100;

if (!existsSync(join(ROOT, 'dist', 'db', 'migrations.js'))) {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
}
if (Number(process.versions.node.split('.')[0]) < 24) {
  const nodeDir = ensureNode('x64');
  const env = { ...process.env, ...addonEnv(ensureSqliteAddon(nodeDir)) };
  execFileSync(nodeBinary(nodeDir), ['--no-warnings', SELF, ...process.argv.slice(2)], { cwd: ROOT, env, stdio: 'inherit' });
  process.exit(0);
}

/** One API over both drivers: exec, prepared statements, a transaction around a function. */
function open(driver, file) {
  if (driver === 'better-sqlite3') {
    const db = new (require('better-sqlite3'))(file);
    return { exec: (sql) => db.exec(sql), prepare: (sql) => db.prepare(sql), transaction: (fn) => db.transaction(fn), close: () => db.close() };
  }
  const db = new (require('node:sqlite').DatabaseSync)(file);
  // node:sqlite has no transaction helper in Node 24: BEGIN/COMMIT by hand, ROLLBACK on a throw.
  const transaction =
    (fn) =>
    (...args) => {
      db.exec('BEGIN');
      try {
        const result = fn(...args);
        db.exec('COMMIT');
        return result;
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      }
    };
  return { exec: (sql) => db.exec(sql), prepare: (sql) => db.prepare(sql), transaction, close: () => db.close() };
}

function setUp(driver, dir) {
  const db = open(driver, join(dir, `${driver.replace(':', '-')}.db`));
  for (const pragma of ['journal_mode = WAL', 'synchronous = FULL', 'foreign_keys = ON', 'cache_size = -1024']) db.exec(`PRAGMA ${pragma}`);
  for (const m of require(join(ROOT, 'dist', 'db', 'migrations.js')).MIGRATIONS) (m.before?.(db), db.exec(m.sql));
  const insert = db.prepare(
    `INSERT INTO transactions (uti, trans_type, amount, currency, reference, register_id, status, stage, created_at) VALUES (?, 'SALE', ?, 'EUR', ?, 'r1', 'IN_PROGRESS', 'AWAITING_CARD', ?)`,
  );
  const event = db.prepare(`INSERT INTO transaction_events (transaction_id, at, from_state, to_state) VALUES (?, ?, 'IDLE', 'AWAITING_CARD')`);
  const finish = db.prepare(
    `UPDATE transactions SET status = 'APPROVED', stage = NULL, status_reason = 'APPROVED', response_code = '00', auth_code = '123456', masked_pan = '47**********0010', entry_mode = 'PICC', completed_at = ? WHERE id = ?`,
  );
  let n = 0;
  const commit = db.transaction(() => {
    n += 1;
    const id = Number(insert.run(`uti-${n}`, 1000 + n, `ref-${n}`, Date.now()).lastInsertRowid);
    event.run(id, Date.now());
    finish.run(Date.now(), id);
  });
  return { db, commit };
}

const quantile = (xs, q) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))];

if (process.argv[2] === '--probe') {
  // A process of its own: the time to load the driver and open eposd's database, and the memory after 100 commits.
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-probe-'));
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const { db, commit } = setUp(process.argv[3], dir);
  const openMs = performance.now() - t0;
  for (let i = 0; i < 100; i++) commit();
  console.log(JSON.stringify({ openMs, rssDeltaMB: (process.memoryUsage().rss - rss0) / 2 ** 20 }));
  db.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

const total = Number(process.argv[2] ?? 2000);
const dir = mkdtempSync(join(tmpdir(), 'sqlite-compare-'));
const drivers = ['better-sqlite3', 'node:sqlite'];
const runs = Object.fromEntries(drivers.map((d) => [d, { ...setUp(d, dir), ms: [], cpuUs: 0 }]));
for (const r of Object.values(runs)) for (let i = 0; i < 50; i++) r.commit();
for (let done = 0; done < total; done += BLOCK) {
  for (const r of Object.values(runs)) {
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < BLOCK; i++) {
      const t0 = performance.now();
      r.commit();
      r.ms.push(performance.now() - t0);
    }
    const cpu = process.cpuUsage(cpu0);
    r.cpuUs += cpu.user + cpu.system;
  }
}
for (const r of Object.values(runs)) r.db.close();
rmSync(dir, { recursive: true, force: true });

const probe = (d) => JSON.parse(execFileSync(process.execPath, ['--no-warnings', SELF, '--probe', d], { cwd: ROOT, encoding: 'utf8' }));
const sqliteVersion = (d) => {
  const db = open(d, ':memory:');
  const v = db.prepare('SELECT sqlite_version() AS v').get().v;
  db.close();
  return v;
};
console.log(`Node ${process.version}, ${total} commits each (insert + event + update, WAL, synchronous=FULL), in alternating blocks of ${BLOCK}`);
console.log('| driver | SQLite | commit p50 | p99 | mean | CPU per commit | load + open (own process) | RSS after 100 commits |');
console.log('|---|---|---|---|---|---|---|---|');
for (const [d, r] of Object.entries(runs)) {
  const ms = [...r.ms].sort((a, b) => a - b);
  const p = [0, 1, 2].map(() => probe(d)).sort((a, b) => a.openMs - b.openMs)[1];
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
  console.log(
    `| ${d} | ${sqliteVersion(d)} | ${quantile(ms, 0.5).toFixed(3)} ms | ${quantile(ms, 0.99).toFixed(3)} ms | ${mean.toFixed(3)} ms | ${(r.cpuUs / ms.length).toFixed(0)} µs | ${p.openMs.toFixed(1)} ms | +${p.rssDeltaMB.toFixed(1)} MB |`,
  );
}
