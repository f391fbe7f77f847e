import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../src/db/migrations';
import { migrate } from '../../src/db/migrate';

const BREADTH = MIGRATIONS.findIndex((m) => m.name.startsWith('payment breadth'));

/** A database as the release before payment breadth left it: every migration before it, with data. */
function previousRelease(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  MIGRATIONS.slice(0, BREADTH).forEach((m, i) => {
    m.before?.(db);
    db.exec(m.sql);
    db.pragma(`user_version = ${i + 1}`);
  });
  const insert = db.prepare(`INSERT INTO transactions (uti, trans_type, amount, currency, register_id, status, created_at) VALUES (?, ?, 1000, 'EUR', 'till-1', 'APPROVED', 1)`);
  for (let i = 1; i <= 5; i += 1) insert.run(`t-${i}`, i % 2 ? 'SALE' : 'PREAUTH');
  db.prepare(`INSERT INTO transaction_events (transaction_id, at, from_state, to_state) SELECT id, 1, 'IDLE', 'AWAITING_CARD' FROM transactions`).run();
  // The purge emptied the newest ids once: the counter is ahead of the rows.
  db.prepare(`UPDATE sqlite_sequence SET seq = 900 WHERE name = 'transactions'`).run();
  return db;
}

describe('the payment-breadth migration (a CHECK widened by rebuilding the table)', () => {
  it('When a database of the previous release is migrated, then its rows, events, indexes and counters are kept and INCREMENT is accepted', () => {
    const db = previousRelease();
    const indexesBefore = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`).pluck().all() as string[];
    migrate(db);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.prepare(`SELECT count(*) FROM transactions`).pluck().get()).toBe(5);
    expect(db.prepare(`SELECT count(*) FROM transaction_events`).pluck().get()).toBe(5);
    const indexesAfter = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`).pluck().all() as string[];
    // Payment breadth's index, and the metadata search's (a later migration) on its own table.
    expect(indexesAfter).toEqual([...indexesBefore, 'transactions_original', 'transaction_metadata_pair'].sort());
    expect(db.prepare(`SELECT "table" FROM pragma_foreign_key_list('transaction_events')`).pluck().get()).toBe('transactions');

    const id = db
      .prepare(`INSERT INTO transactions (uti, trans_type, amount, currency, register_id, status, created_at, original_uti) VALUES ('inc-1', 'INCREMENT', 500, 'EUR', 'till-1', 'APPROVED', 2, 't-2')`)
      .run().lastInsertRowid;
    expect(id).toBe(901);
    expect(() => db.prepare(`INSERT INTO transactions (uti, trans_type, currency, register_id, status, created_at) VALUES ('x', 'BOGUS', 'EUR', 'r', 'APPROVED', 1)`).run()).toThrow(/CHECK/);
    // The events still belong to their transactions: deleting one takes its events with it.
    db.prepare(`DELETE FROM transactions WHERE uti = 't-1'`).run();
    expect(db.prepare(`SELECT count(*) FROM transaction_events`).pluck().get()).toBe(4);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
