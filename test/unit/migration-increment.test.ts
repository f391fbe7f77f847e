import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../src/db/migrations';
import { migrate } from '../../src/db/migrate';
import { rebuildTable } from '../../src/db/rebuild-table';

const BREADTH = MIGRATIONS.findIndex((m) => m.name.startsWith('payment breadth'));

/** A database as the release before payment breadth left it: every migration before it, with data. */
function previousRelease(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, BREADTH);
  const insert = db.prepare(`INSERT INTO transactions (uti, trans_type, amount, currency, register_id, status, created_at) VALUES (?, ?, 1000, 'EUR', 'till-1', 'APPROVED', 1)`);
  for (let i = 1; i <= 5; i += 1) insert.run(`t-${i}`, i % 2 ? 'SALE' : 'PREAUTH');
  db.prepare(`INSERT INTO transaction_events (transaction_id, at, from_state, to_state) SELECT id, 1, 'IDLE', 'AWAITING_CARD' FROM transactions`).run();
  // The purge emptied the newest ids once: the counter is ahead of the rows.
  db.prepare(`UPDATE sqlite_sequence SET seq = 900 WHERE name = 'transactions'`).run();
  return db;
}

const triggers = (db: Database.Database) => db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'trigger' ORDER BY name`).pluck().all() as string[];

describe('the payment-breadth migration (a CHECK widened by rebuilding the table)', () => {
  it('When a database of the previous release is migrated, then its rows, events, indexes and counters are kept and INCREMENT is accepted', () => {
    const db = previousRelease();
    const indexes = () => db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`).pluck().all() as string[];
    const indexesBefore = indexes();
    migrate(db, BREADTH + 1);
    // The rebuilt table has every index it had, and payment breadth's.
    expect(indexes()).toEqual([...indexesBefore, 'transactions_original'].sort());
    migrate(db);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.prepare(`SELECT count(*) FROM transactions`).pluck().get()).toBe(5);
    expect(db.prepare(`SELECT count(*) FROM transaction_events`).pluck().get()).toBe(5);
    // Later migrations: the metadata search's index on its own table; one transaction in progress kept by triggers instead of an index;
    // one prompt open at a time (the POS's prompts on the screen).
    expect(indexes()).toEqual([...indexesBefore.filter((name) => name !== 'transactions_one_in_progress'), 'transactions_original', 'transaction_metadata_pair', 'prompts_one_open'].sort());
    expect(triggers(db)).toEqual(['transactions_one_in_progress', 'transactions_one_in_progress_again']);
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

  it('When a table is rebuilt, then its triggers are kept: a second transaction in progress is still refused', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db);
    rebuildTable(db, 'transactions', (sql) => sql.replace(/'INCREMENT'\)/, "'INCREMENT', 'TEST')"));
    expect(triggers(db)).toEqual(['transactions_one_in_progress', 'transactions_one_in_progress_again']);
    const insert = db.prepare(`INSERT INTO transactions (uti, trans_type, amount, currency, register_id, status, created_at) VALUES (?, 'SALE', 1000, 'EUR', 'till-1', ?, 1)`);
    insert.run('done', 'APPROVED');
    insert.run('running', 'IN_PROGRESS');
    expect(() => insert.run('second', 'IN_PROGRESS')).toThrow('another transaction is in progress');
    expect(() => db.prepare(`UPDATE transactions SET status = 'IN_PROGRESS' WHERE uti = 'done'`).run()).toThrow('another transaction is in progress');
    expect(db.prepare(`SELECT uti || ':' || status FROM transactions ORDER BY id`).pluck().all()).toEqual(['done:APPROVED', 'running:IN_PROGRESS']);
  });
});
