// What the storage guards of issue 26 cost (docs/reliability.md, "What it costs"), each beside the
// baseline it adds to, measured in the same run on the same disk: per payment, the seal and the
// witness's mark against the commit itself; per start, reading the write-ahead log, the read-only
// look at the database and the seals against the quick_check that was already there.
// `npm run build` first; then `node scripts/bench/storage-guard.mjs`.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { openDatabase } = require('../../dist/db/open.js');
const { scanWal } = require('../../dist/db/wal-check.js');
const { StorageWitness } = require('../../dist/witness/witness.js');
const { databaseState } = require('../../dist/witness/witness-check.js');
const { sealOf } = require('../../dist/db/seal.js');
const { TransactionsRepository, unsealedAfter, COLUMNS } = require('../../dist/transactions/transactions.repository.js');

const N = Number(process.env.N ?? 2000);
const dir = mkdtempSync(join(tmpdir(), 'eposd-guard-'));
const file = join(dir, 'eposd.db');
const us = (ns) => Number(ns) / 1000;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (fn) => {
  const t0 = process.hrtime.bigint();
  fn();
  return us(process.hrtime.bigint() - t0);
};

const db = openDatabase(file);
db.pragma('wal_autocheckpoint = 0');
const repo = new TransactionsRepository(db);
const witness = new StorageWitness(join(dir, 'certs'));
const tx = (i) => ({
  uti: `guard-${i}-${'x'.repeat(20)}`,
  transType: 'SALE',
  amount: 1000 + i,
  currency: 'EUR',
  reference: null,
  originalUti: null,
  registerId: 'till-1',
  requestHash: null,
  disablePrinting: 1,
  stage: 'AWAITING_CARD',
  createdAt: Date.now(),
});
const final = { status: 'APPROVED', stage: null, statusReason: 'APPROVED', responseCode: '00', authCode: '123456', maskedPan: '47**********0010', entryMode: 'PICC', completedAt: Date.now() };

// Per payment: the opening commit and the outcome commit, each with its seal (insert/update reseal), as eposd makes them.
const commits = [];
for (let i = 0; i < N; i++) {
  commits.push(time(() => db.transaction(() => repo.insert(tx(i)))()));
  const id = i + 1;
  commits.push(time(() => db.transaction(() => repo.update(id, final))()));
}
// The parts the guards add, measured alone on the same rows: the seal (read back, hash, write) and the mark.
const byId = db.prepare(`SELECT ${COLUMNS} FROM transactions WHERE id = ?`);
const reseal = db.prepare('UPDATE transactions SET seal = ? WHERE id = ?');
const sealParts = [];
db.transaction(() => {
  for (let id = 1; id <= N; id++) sealParts.push(time(() => reseal.run(sealOf(byId.get(id)), id)));
})();
const marks = [];
for (let i = 1; i <= N; i++) marks.push(time(() => witness.committed({ transactions: i, events: i })));

// Per start, on what the run left (N payments, their log not yet checkpointed).
const walFrames = scanWal(file).frames;
const walScan = median(Array.from({ length: 7 }, () => time(() => scanWal(file))));
const look = median(
  Array.from({ length: 7 }, () =>
    time(() => {
      const ro = new Database(file, { readonly: true, fileMustExist: true });
      databaseState(ro);
      ro.close();
    }),
  ),
);
db.pragma('wal_checkpoint(TRUNCATE)');
const quick = median(Array.from({ length: 5 }, () => time(() => db.pragma('quick_check'))));
const seals = median(Array.from({ length: 5 }, () => time(() => unsealedAfter(db, 0, Number.MAX_SAFE_INTEGER))));
const newestSeals = median(Array.from({ length: 5 }, () => time(() => unsealedAfter(db, -1, 1000))));
db.close();
witness.close();
rmSync(dir, { recursive: true, force: true });

const round = (x) => Math.round(x * 10) / 10;
const figures = {
  payments: N,
  commitMedianUs: round(median(commits)),
  sealPerCommitMedianUs: round(median(sealParts)),
  markPerCommitMedianUs: round(median(marks)),
  walFrames,
  walScanMs: round(walScan / 1000),
  readOnlyLookMs: round(look / 1000),
  quickCheckMs: round(quick / 1000),
  sealScanAllMs: round(seals / 1000),
  sealScanNewest1000Ms: round(newestSeals / 1000),
};
console.log(
  process.argv.includes('--json')
    ? JSON.stringify(figures)
    : Object.entries(figures)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
);
