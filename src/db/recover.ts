import Database from 'better-sqlite3';
import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openDatabase, type Db } from './open';

// The technician's way back from a damaged database (docs/reliability.md, "A damaged database"), with
// eposd stopped: `node dist/db/recover.js --data-dir ./data [--install]`.
// 1. backup: eposd.db and its WAL and SHM are copied, as they are, into data/backup-<time>/;
// 2. recover: every row that can still be read is copied into data/eposd.recovered-<time>.db, a new
//    database of the current schema (rows are found through the table and through each of its indexes);
// 3. verify: integrity_check of the recovered database, and what was copied and lost, table by table;
// 4. with --install only: the damaged files are renamed eposd.db.damaged-<time>(-wal, -shm) and the
//    recovered database becomes eposd.db. Nothing is ever deleted.

export interface TableRecovery {
  table: string;
  copied: number;
  /** Rows known to exist (by an index or the sequence) that could not be read. */
  unreadable: number;
}

export interface Recovery {
  backupDir: string;
  recoveredFile: string;
  tables: TableRecovery[];
  /** Rows dropped from the copy because what they belong to was lost (events of a lost transaction). */
  orphansDropped: number;
  integrity: string;
  installed: boolean;
}

const FILES = ['eposd.db', 'eposd.db-wal', 'eposd.db-shm'];
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

export function recoverDatabase(dataDir: string, options: { install?: boolean; now?: Date } = {}): Recovery {
  const stamp = (options.now ?? new Date()).toISOString().replace(/[-:]|\.\d+/g, '');
  const original = join(dataDir, 'eposd.db');
  if (!existsSync(original)) throw new Error(`${original}: there is no database to recover`);
  const backupDir = join(dataDir, `backup-${stamp}`);
  mkdirSync(backupDir, { mode: 0o700 });
  for (const f of FILES.filter((name) => existsSync(join(dataDir, name)))) {
    copyFileSync(join(dataDir, f), join(backupDir, f));
    chmodSync(join(backupDir, f), 0o600);
  }
  // Read from the backup, read-only: the damaged original is never opened again.
  const source = new Database(join(backupDir, 'eposd.db'), { readonly: true, fileMustExist: true });
  const recoveredFile = join(dataDir, `eposd.recovered-${stamp}.db`);
  const target = openDatabase(recoveredFile);
  let orphansDropped = 0;
  try {
    target.pragma('foreign_keys = OFF');
    const tables = target.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all() as string[];
    const report = tables.map((table) => copyTable(source, target, table));
    copySequences(source, target);
    // How eposd tells this database from the damaged one its storage witness flagged (witness/open-storage.ts).
    target.prepare(`INSERT INTO settings (key, value) VALUES ('recovered_at', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run((options.now ?? new Date()).toISOString());
    for (const row of target.pragma('foreign_key_check') as { table: string; rowid: number }[]) {
      target.prepare(`DELETE FROM ${quote(row.table)} WHERE rowid = ?`).run(row.rowid);
      orphansDropped += 1;
    }
    target.pragma('foreign_keys = ON');
    const integrity = (target.pragma('integrity_check', { simple: false }) as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
    target.pragma('wal_checkpoint(TRUNCATE)');
    target.close();
    source.close();
    const installed = options.install === true && integrity === 'ok';
    if (installed) {
      for (const f of FILES.filter((name) => existsSync(join(dataDir, name)))) renameSync(join(dataDir, f), join(dataDir, f.replace('eposd.db', `eposd.db.damaged-${stamp}`)));
      renameSync(recoveredFile, original);
    }
    return { backupDir, recoveredFile: installed ? original : recoveredFile, tables: report, orphansDropped, integrity, installed };
  } finally {
    if (target.open) target.close();
    if (source.open) source.close();
  }
}

/** Every row of `table` that can be read, found by a scan of the table and of each of its indexes. */
function copyTable(source: Db, target: Db, table: string): TableRecovery {
  const exists = source.prepare(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`).pluck().get(table) as number;
  if (!exists) return { table, copied: 0, unreadable: 0 };
  const sourceColumns = new Set((source.pragma(`table_info(${quote(table)})`) as { name: string }[]).map((c) => c.name));
  const columns = (target.pragma(`table_info(${quote(table)})`) as { name: string }[]).map((c) => c.name).filter((c) => sourceColumns.has(c));
  const rowids = new Set<number>();
  const collect = (sql: string) => {
    try {
      for (const rowid of source.prepare(sql).pluck().iterate() as IterableIterator<number>) rowids.add(rowid);
    } catch {
      // a damaged page ends this scan; the rows before it are kept, the others may be found by another
    }
  };
  collect(`SELECT rowid FROM ${quote(table)} NOT INDEXED`);
  for (const index of source.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?`).pluck().all(table) as string[]) {
    collect(`SELECT rowid FROM ${quote(table)} INDEXED BY ${quote(index)}`);
  }
  const read = source.prepare(`SELECT ${columns.map(quote).join(', ')} FROM ${quote(table)} NOT INDEXED WHERE rowid = ?`);
  const write = target.prepare(`INSERT OR IGNORE INTO ${quote(table)} (${columns.map(quote).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
  let copied = 0;
  let unreadable = 0;
  target.transaction(() => {
    for (const rowid of [...rowids].sort((a, b) => a - b)) {
      try {
        const row = read.raw().get(rowid) as unknown[] | undefined;
        if (row) copied += write.run(...row).changes;
      } catch {
        unreadable += 1;
      }
    }
  })();
  return { table, copied, unreadable };
}

/** Ids (receipt numbers, event-stream ids) never start again below where they were. */
function copySequences(source: Db, target: Db): void {
  try {
    const rows = source.prepare(`SELECT name, seq FROM sqlite_sequence`).all() as { name: string; seq: number }[];
    const set = target.prepare(`UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?`);
    const add = target.prepare(`INSERT INTO sqlite_sequence (name, seq) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?)`);
    for (const r of rows) if (set.run(r.seq, r.name).changes === 0) add.run(r.name, r.seq, r.name);
  } catch {
    // an unreadable sequence: the ids copied still set it
  }
}

function main(argv: string[]): void {
  const dirAt = argv.indexOf('--data-dir');
  const dataDir = resolve(dirAt >= 0 ? (argv[dirAt + 1] ?? '') : (process.env.EPOSD_DATA_DIR ?? './data'));
  const r = recoverDatabase(dataDir, { install: argv.includes('--install') });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`backup (untouched copy of the damaged files): ${r.backupDir}`);
  for (const t of r.tables) out(`  ${t.table.padEnd(22)} ${String(t.copied).padStart(8)} rows copied${t.unreadable ? `, ${t.unreadable} unreadable` : ''}`);
  if (r.orphansDropped) out(`  ${r.orphansDropped} rows dropped that belonged to rows lost`);
  out(`integrity_check of the recovered database: ${r.integrity}`);
  if (r.installed) out(`installed: ${r.recoveredFile} is now the recovered database; the damaged one is kept as eposd.db.damaged-*. Start eposd.`);
  else out(`recovered database: ${r.recoveredFile}\nTo use it (eposd stopped): run again with --install, or rename it to eposd.db after renaming the damaged files aside.`);
  if (r.integrity !== 'ok') process.exitCode = 1;
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`eposd recover: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
