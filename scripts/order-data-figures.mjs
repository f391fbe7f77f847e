#!/usr/bin/env node
// Figures for order data (docs/performance.md, "Order data"): the bytes a transaction takes in the
// database with and without order data, and the p99 of a search by metadata on a large database.
// Rows are written straight into temporary SQLite files through eposd's own migrations and
// repository (the same INSERTs a payment makes), not through the API. Needs `npx tsc -p tsconfig.build.json`.
//
//   node scripts/order-data-figures.mjs [rows for the search, default 1000000] [rows for the bytes, default 20000]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { openDatabase } = require(join(ROOT, 'dist', 'db', 'open.js'));
const { TransactionsRepository } = require(join(ROOT, 'dist', 'transactions', 'transactions.repository.js'));
const { TransactionEventsRepository } = require(join(ROOT, 'dist', 'transactions', 'events.repository.js'));
const { TransactionSearch } = require(join(ROOT, 'dist', 'transactions', 'search.js'));
const { encodeOrder } = require(join(ROOT, 'dist', 'transactions', 'order.js'));
const { encodeEmv } = require(join(ROOT, 'dist', 'transactions', 'card-outcome.js'));

const SEARCH_ROWS = Number(process.argv[2] ?? 1_000_000);
const BYTES_ROWS = Number(process.argv[3] ?? 20_000);
const ROUNDS = 500;
const dir = mkdtempSync(join(tmpdir(), 'eposd-order-figures-'));
const T0 = Date.UTC(2026, 0, 1);

const LINE_ITEMS = Array.from({ length: 10 }, (_, i) => ({ name: `Item number ${i + 1} of the order`, quantity: 1 + (i % 3), unitAmount: 250 + i * 10 }));
const ITEMS_TOTAL = LINE_ITEMS.reduce((s, i) => s + i.quantity * i.unitAmount, 0);
const EMV = encodeEmv({ aid: 'A0000000031010', applicationLabel: 'VISA CREDIT', tvr: '0000008000', tsi: 'A800', atc: '01A7', arc: '00', cryptogramType: 'ARQC', cryptogram: '8C1F2A3B4D5E6F70' });

/** Writes one payment the way the ledger does: the row (and its metadata), its four transitions, its outcome. */
function writer(db) {
  const repo = new TransactionsRepository(db);
  const events = new TransactionEventsRepository(db);
  return (i, order) => {
    const at = T0 + i * 1000;
    const id = repo.insert({
      uti: `0d6f1c2e-5a3b-4c7d-9e8f-${String(i).padStart(12, '0')}`,
      transType: 'SALE',
      amount: order ? ITEMS_TOTAL : 1000 + (i % 5000),
      currency: 'EUR',
      reference: `ref-${i}`,
      originalUti: null,
      registerId: 'till-1',
      requestHash: null,
      disablePrinting: 0,
      stage: 'AWAITING_CARD',
      createdAt: at,
      ...(order ?? {}),
    });
    for (const [from, to] of [
      ['IDLE', 'AWAITING_CARD'],
      ['AWAITING_CARD', 'READING_CARD'],
      ['READING_CARD', 'AUTHORIZING'],
      ['AUTHORIZING', 'IDLE'],
    ]) {
      events.append({ transactionId: id, at, fromState: from, toState: to, detail: to === 'IDLE' ? 'APPROVED' : null });
    }
    repo.update(id, {
      status: 'APPROVED',
      stage: null,
      statusReason: 'APPROVED',
      responseCode: '00',
      authCode: '123456',
      maskedPan: '47**********0010',
      entryMode: 'PICC',
      aid: 'A0000000031010',
      appName: 'VISA CREDIT',
      cvm: 'NO_CVM',
      cardBrand: 'VISA',
      emv: EMV,
      completedAt: at + 1500,
    });
  };
}

function fileBytes(file) {
  return statSync(file).size + (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0);
}

/** Bytes a transaction adds to the file: database and WAL, checkpointed, less the empty database. */
function bytesPerTransaction(name, orderFor) {
  const file = join(dir, `${name}.db`);
  const db = openDatabase(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const empty = fileBytes(file);
  const write = writer(db);
  const batch = db.transaction((from, to) => {
    for (let i = from; i < to; i += 1) write(i, orderFor(i));
  });
  for (let i = 0; i < BYTES_ROWS; i += 1000) batch(i, Math.min(BYTES_ROWS, i + 1000));
  db.pragma('wal_checkpoint(TRUNCATE)');
  const bytes = (fileBytes(file) - empty) / BYTES_ROWS;
  db.close();
  return Math.round(bytes);
}

const plain = bytesPerTransaction('plain', () => undefined);
const withOrder = bytesPerTransaction('order', (i) => {
  const metadata = { order: `ord-${i}`, table: String(i % 50), store: `store-${i % 10}`, waiter: `w${i % 30}`, shift: i % 2 ? 'am' : 'pm' };
  return { orderData: encodeOrder({ description: `Table ${i % 50}, lunch`, metadata, lineItems: LINE_ITEMS }), locale: 'ja', metadata };
});

// The search: SEARCH_ROWS sales, each with three metadata keys of different selectivity.
const file = join(dir, 'search.db');
const db = openDatabase(file);
db.pragma('synchronous = OFF'); // only to seed faster: the file is thrown away
const repo = new TransactionsRepository(db);
const seed = db.transaction((from, to) => {
  for (let i = from; i < to; i += 1) {
    const metadata = { order: `ord-${i}`, table: String(i % 50), store: `store-${i % 10}` };
    const id = repo.insert({
      uti: `u-${i}`,
      transType: 'SALE',
      amount: 1000,
      currency: 'EUR',
      reference: null,
      originalUti: null,
      registerId: 'till-1',
      requestHash: null,
      disablePrinting: 0,
      stage: null,
      createdAt: T0 + i * 1000,
      orderData: encodeOrder({ metadata }),
      metadata,
    });
    repo.update(id, { status: 'APPROVED' });
  }
});
const t0 = performance.now();
for (let i = 0; i < SEARCH_ROWS; i += 20_000) seed(i, Math.min(SEARCH_ROWS, i + 20_000));
db.pragma('synchronous = FULL');
db.pragma('optimize');
const seedS = (performance.now() - t0) / 1000;

const search = new TransactionSearch(db);
function p99(name, make) {
  const times = [];
  for (let k = 0; k < ROUNDS; k += 1) {
    const filters = make(k);
    const s = performance.now();
    search.find({ limit: 20, ...filters });
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  const at = (q) => +times[Math.min(ROUNDS - 1, Math.floor(q * ROUNDS))].toFixed(3);
  return { name, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: at(1) };
}
const rnd = (n) => Math.floor(Math.random() * n);
const page2 = (k, pair) => {
  const first = search.find({ limit: 20, metadata: [pair(k)] });
  return { metadata: [pair(k)], cursor: first.nextCursor };
};
const results = [
  p99('one match (order=ord-N)', () => ({ metadata: [['order', `ord-${rnd(SEARCH_ROWS)}`]] })),
  p99(`1 in 50 (table=N), first page`, () => ({ metadata: [['table', String(rnd(50))]] })),
  p99(`1 in 10 (store=store-N), first page`, () => ({ metadata: [['store', `store-${rnd(10)}`]] })),
  p99(`1 in 10, second page (cursor)`, (k) => page2(k, () => ['store', `store-${rnd(10)}`])),
  p99(`two pairs (store and table)`, () => ({
    metadata: [
      ['store', `store-${rnd(10)}`],
      ['table', String(rnd(50))],
    ],
  })),
  p99('no match', () => ({ metadata: [['order', 'nothing']] })),
];
db.close();
rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify(
    { bytesPerTransaction: { plainSale: plain, tenLineItemsFiveMetadataKeys: withOrder, rows: BYTES_ROWS }, search: { rows: SEARCH_ROWS, seedSeconds: +seedS.toFixed(1), results } },
    null,
    2,
  ),
);
