import Database from 'better-sqlite3';
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { Db } from '../../src/db/open';
import { sealOf } from '../../src/db/seal';
import { COLUMNS, type TransactionRow } from '../../src/transactions/transactions.repository';

// Damage as a disk or a power cut leaves it: a page of the database file overwritten with garbage.

/** `n` approved sales written straight into `transactions`, oldest first; answers their UTIs. */
export function seedTransactions(db: Db, n: number, createdAt: number, prefix = 'seed'): string[] {
  const insert = db.prepare(
    `INSERT INTO transactions (uti, trans_type, amount, currency, reference, register_id, status, masked_pan, created_at, completed_at)
     VALUES (?, 'SALE', 1000, 'EUR', ?, 'till-1', 'APPROVED', '476173******0010', ?, ?)`,
  );
  const utis = Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(6, '0')}-${'x'.repeat(24)}`);
  const seal = db.prepare('UPDATE transactions SET seal = ? WHERE id = ?');
  const written = db.prepare<[string], TransactionRow>(`SELECT ${COLUMNS} FROM transactions WHERE uti = ?`);
  db.transaction(() =>
    utis.forEach((uti, i) => {
      insert.run(uti, `ref-${i}`, createdAt + i, createdAt + i);
      // Sealed as eposd seals what it writes (src/db/seal.ts).
      const row = written.get(uti)!;
      seal.run(sealOf(row), row.id);
    }),
  )();
  return utis;
}

/** The leaf pages of a table, in key order (the first holds the oldest rows). */
export function leafPages(db: Db, table: string): number[] {
  return db.prepare(`SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY path`).pluck().all(table) as number[];
}

/** Overwrites page `pageno` of the file with garbage (the WAL must have been checkpointed into it). */
export function damagePage(file: string, pageno: number, pageSize = 4096): void {
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (pageno - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
}

/** A write from another connection: the next read of every other connection sees the file afresh. */
export function pokeFromOutside(file: string): void {
  const other = new Database(file);
  try {
    other.prepare(`INSERT INTO settings (key, value) VALUES ('test-poke', '1') ON CONFLICT (key) DO UPDATE SET value = value || '1'`).run();
  } finally {
    other.close();
  }
}

/** How many transactions there are, read through the UTI index only (the table's own pages may be damaged). */
export const countByIndex = (db: Db): number => db.prepare(`SELECT count(uti) FROM transactions INDEXED BY sqlite_autoindex_transactions_1`).pluck().get() as number;

/** Flips bit `bit` (0–7) of the byte at `offset` of `file`: one bit of damage, as a disk or its controller may leave. */
export function flipBit(file: string, offset: number, bit: number): void {
  const fd = openSync(file, 'r+');
  try {
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, offset);
    byte[0] = byte[0]! ^ (1 << bit);
    writeSync(fd, byte, 0, 1, offset);
  } finally {
    closeSync(fd);
  }
}
