// Fills an eposd database (schema already made by eposd's first start, eposd stopped) with
// realistic payments, the way months of trading leave it: per transaction the row, its state-machine
// events (5 or 6 for a card payment, 2 for one that never saw a card), its audit entry, and a
// settlement batch a day. Written straight with better-sqlite3 in big transactions; durability does
// not matter while seeding, so the journal is off until the end, then the database is put back in WAL.
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';

// Each row sealed as eposd seals what it writes (src/db/seal.ts; the bench runs after the build).
const require = createRequire(import.meta.url);
const { sealOf } = require('../../../dist/db/seal.js');
const { COLUMNS } = require('../../../dist/transactions/transactions.repository.js');

const DAY_MS = 86_400_000;
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const CHUNK = 20_000;

/** 24 characters of eposd's UTI alphabet, as ids.uti() makes them. */
function utiMaker() {
  let pool = randomBytes(0);
  let at = 0;
  return () => {
    if (at + 24 > pool.length) ((pool = randomBytes(24 * 4096)), (at = 0));
    let s = '';
    for (let i = 0; i < 24; i++) s += ALPHABET[pool[at++] % ALPHABET.length];
    return s;
  };
}

const VISA = { maskedPan: '47**********0010', entryMode: 'PICC', aid: 'A0000000031010', appName: 'VISA CREDIT', cvm: 'NO_CVM' };
const MASTERCARD = { maskedPan: '54**********0434', entryMode: 'ICC', aid: 'A0000000041010', appName: 'MASTERCARD', cvm: 'PIN' };

/**
 * The kinds of transaction a day brings, with their share: what the simulator produces for such amounts
 * (contactless Visa up to 50.00, chip and PIN Mastercard above), and how their events run.
 */
const KINDS = [
  { share: 0.78, type: 'SALE', amount: () => 100 + Math.floor(Math.random() * 4800), status: 'APPROVED', reason: 'APPROVED', code: '00', card: VISA },
  { share: 0.12, type: 'SALE', amount: () => 5100 + Math.floor(Math.random() * 40000), status: 'APPROVED', reason: 'APPROVED', code: '00', card: MASTERCARD },
  { share: 0.04, type: 'SALE', amount: () => 1005, status: 'DECLINED', reason: 'DO_NOT_HONOUR', code: '05', card: VISA },
  { share: 0.03, type: 'REFUND', amount: () => 100 + Math.floor(Math.random() * 4800), status: 'APPROVED', reason: 'APPROVED', code: '00', card: VISA },
  { share: 0.02, type: 'SALE', amount: () => 1097, status: 'CANCELLED', reason: 'CUSTOMER_CANCELLED', code: null, card: null },
  { share: 0.01, type: 'SALE', amount: () => 1098, status: 'TIMED_OUT', reason: 'CARD_TIMEOUT', code: null, card: null },
];
const pickKind = () => {
  let r = Math.random();
  for (const k of KINDS) if ((r -= k.share) < 0) return k;
  return KINDS[0];
};

function eventsOf(kind, at) {
  if (!kind.card)
    return [
      ['IDLE', 'AWAITING_CARD', null, 0],
      ['AWAITING_CARD', 'IDLE', kind.status, 30_000],
    ];
  const steps = [
    ['IDLE', 'AWAITING_CARD', null, 0],
    ['AWAITING_CARD', 'READING_CARD', null, 2_000],
    ['READING_CARD', kind.card.cvm === 'PIN' ? 'AWAITING_PIN' : 'AUTHORIZING', null, 2_300],
  ];
  if (kind.card.cvm === 'PIN') steps.push(['AWAITING_PIN', 'AUTHORIZING', 'PIN_VERIFIED', 6_000]);
  const last = steps.at(-1)[3];
  steps.push(['AUTHORIZING', 'PRINTING', kind.status, last + 1_000], ['PRINTING', 'IDLE', 'PRINTED', last + 1_500]);
  return steps.map(([from, to, detail, dt]) => [from, to, detail, at + dt]);
}

/**
 * Appends `count` transactions created evenly between `from` and `to` (ms since the epoch). Those
 * before `settledBefore` are in a closed batch, one batch per day. Resolves with how long it took.
 */
export function seedTransactions(file, { count, from, to, settledBefore = -Infinity, registers = ['till-1', 'till-2'], onProgress = () => {} }) {
  const db = new Database(file);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const insertTx = db.prepare(`INSERT INTO transactions (uti, trans_type, amount, currency, reference, register_id, disable_printing, status, status_reason,
      response_code, auth_code, masked_pan, entry_mode, aid, app_name, cvm, batch_id, created_at, completed_at)
    VALUES (?, ?, ?, 'EUR', ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertEvent = db.prepare(`INSERT INTO transaction_events (transaction_id, at, from_state, to_state, detail) VALUES (?, ?, ?, ?, ?)`);
  const insertAudit = db.prepare(`INSERT INTO audit_events (at, actor, role, origin, event, outcome, uti) VALUES (?, ?, 'pos', '192.168.1.23', 'transaction.start', 'OK', ?)`);
  const insertBatch = db.prepare(`INSERT INTO batches (opened_at, closed_at, closed_by, totals) VALUES (?, ?, 'SCHEDULE', ?)`);
  const written = db.prepare(`SELECT ${COLUMNS} FROM transactions WHERE id = ?`);
  const seal = db.prepare(`UPDATE transactions SET seal = ? WHERE id = ?`);
  const uti = utiMaker();
  const step = (to - from) / count;
  // A batch closes each day at the same hour as `settledBefore`.
  const batchOf = new Map();
  const batchFor = (at) => {
    if (at >= settledBefore) return null;
    const day = Math.floor((settledBefore - at) / DAY_MS);
    let id = batchOf.get(day);
    if (id === undefined) {
      const closedAt = settledBefore - day * DAY_MS;
      id = Number(insertBatch.run(closedAt - DAY_MS, closedAt, JSON.stringify({ currency: 'EUR', salesCount: 0, salesAmount: 0, refundsCount: 0, refundsAmount: 0, net: 0 })).lastInsertRowid);
      batchOf.set(day, id);
    }
    return id;
  };
  const started = Date.now();
  const chunk = db.transaction((start, n) => {
    for (let i = start; i < start + n; i++) {
      const at = Math.floor(from + i * step);
      const kind = pickKind();
      const c = kind.card ?? {};
      const register = registers[i % registers.length];
      const code = kind.code === '00' ? String(100000 + Math.floor(Math.random() * 900000)) : null;
      const u = uti();
      const events = eventsOf(kind, at);
      const id = insertTx.run(
        u,
        kind.type,
        kind.amount(),
        Math.random() < 0.7 ? `ord-${1000000 + i}` : null,
        register,
        kind.status,
        kind.reason,
        kind.code,
        code,
        c.maskedPan ?? null,
        c.entryMode ?? null,
        c.aid ?? null,
        c.appName ?? null,
        c.cvm ?? null,
        batchFor(at),
        at,
        events.at(-1)[3],
      ).lastInsertRowid;
      seal.run(sealOf(written.get(id)), id);
      for (const [fromState, toState, detail, eAt] of events) insertEvent.run(id, eAt, fromState, toState, detail);
      insertAudit.run(at, register, u);
    }
  });
  for (let done = 0; done < count; done += CHUNK) {
    chunk(done, Math.min(CHUNK, count - done));
    onProgress(Math.min(count, done + CHUNK));
  }
  db.pragma('journal_mode = WAL');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  // On disk, as months of trading leave it: otherwise the first commit measured after this one would
  // also pay for writing out the seeding.
  const fd = openSync(file, 'r+');
  fsyncSync(fd);
  closeSync(fd);
  return Date.now() - started;
}

/** A sample of `n` UTIs of final transactions, spread over the table. */
export function sampleUtis(file, n) {
  const db = new Database(file, { readonly: true });
  const max = db.prepare('SELECT max(id) FROM transactions').pluck().get() ?? 0;
  const byId = db.prepare(`SELECT uti FROM transactions WHERE id >= ? AND status <> 'IN_PROGRESS' ORDER BY id LIMIT 1`).pluck();
  const out = [];
  for (let i = 0; i < n && max > 0; i++) out.push(byId.get(1 + Math.floor(Math.random() * max)));
  db.close();
  return out.filter(Boolean);
}

/**
 * Says the rows now in the database were written `agoMs` of the terminal's running time ago: retention
 * counts age from its marks, not from the seeded dates (src/transactions/retention-marks.ts). The mark
 * goes below the running time in the clock anchor the last start of eposd left.
 */
export function markWrittenAgo(file, agoMs) {
  const db = new Database(file);
  const anchor = JSON.parse(db.prepare(`SELECT value FROM settings WHERE key = 'clock_anchor'`).pluck().get() ?? '{}');
  const newest = (table) => db.prepare(`SELECT coalesce(max(id), 0) FROM ${table}`).pluck().get();
  db.prepare(`INSERT OR REPLACE INTO retention_marks (running_ms, transaction_id, audit_id, delivery_id) VALUES (?, ?, ?, ?)`).run(
    Math.floor((anchor.run ?? 0) - agoMs),
    newest('transactions'),
    newest('audit_events'),
    newest('webhook_deliveries'),
  );
  db.close();
}
