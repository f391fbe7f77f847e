import type Database from 'better-sqlite3';

/**
 * Rewrites part of a table's definition (a CHECK constraint, which SQLite cannot ALTER) by building
 * the table again from its own stored definition, inside the caller's transaction.
 * @NOTE Generic on purpose: the table is copied with every column, index and trigger it has now, whichever
 * migrations added them, so a migration before this one is never undone. foreign_keys stays ON (it
 * cannot change inside a transaction), so the tables that reference this one are rebuilt first to
 * point at the copy: dropping the old table then cascades into nothing. AUTOINCREMENT counters are
 * carried over: ids are receipt numbers and must never start again.
 */
export function rebuildTable(db: Database.Database, table: string, rewrite: (createSql: string) => string): void {
  const schemaOf = (name: string) => db.prepare<[string], { sql: string }>(`SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?`).get(name)?.sql;
  const original = schemaOf(table);
  if (!original) throw new Error(`no table ${table} to rebuild`);
  const children = (db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> ?`).pluck().all(table) as string[]).filter(
    (name) => (db.prepare(`SELECT count(*) FROM pragma_foreign_key_list(?) WHERE "table" = ?`).pluck().get(name, table) as number) > 0,
  );
  const tables = [table, ...children];
  const indexesAndTriggers = db
    .prepare(`SELECT sql FROM sqlite_schema WHERE type IN ('index', 'trigger') AND sql IS NOT NULL AND tbl_name IN (${tables.map(() => '?').join(', ')})`)
    .pluck()
    .all(...tables) as string[];
  const sequences = db.prepare(`SELECT name, seq FROM sqlite_sequence WHERE name IN (${tables.map(() => '?').join(', ')})`).all(...tables) as { name: string; seq: number }[];
  const copy = (name: string) => `${name}_rebuilt`;
  const renamed = (sql: string, name: string) => sql.replace(new RegExp(`^CREATE TABLE\\s+"?${name}"?\\s*\\(`), `CREATE TABLE ${copy(name)} (`);

  const widened = rewrite(original);
  if (widened === original) throw new Error(`rebuilding ${table}: the rewrite changed nothing`);
  db.exec(renamed(widened, table));
  db.exec(`INSERT INTO ${copy(table)} SELECT * FROM ${table}`);
  for (const child of children) {
    const sql = renamed(schemaOf(child)!, child).replace(new RegExp(`REFERENCES\\s+"?${table}"?\\s*\\(`, 'g'), `REFERENCES ${copy(table)} (`);
    db.exec(sql);
    db.exec(`INSERT INTO ${copy(child)} SELECT * FROM ${child}`);
  }
  for (const child of children) db.exec(`DROP TABLE ${child}`);
  db.exec(`DROP TABLE ${table}`);
  // With legacy_alter_table off (SQLite's default), renaming the copy also renames the children's references to it.
  for (const name of tables) db.exec(`ALTER TABLE ${copy(name)} RENAME TO ${name}`);
  for (const sql of indexesAndTriggers) db.exec(sql);
  const keep = db.prepare(`UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?`);
  const add = db.prepare(`INSERT INTO sqlite_sequence (name, seq) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?)`);
  for (const { name, seq } of sequences) {
    keep.run(seq, name);
    add.run(name, seq, name);
  }
  const broken = db.prepare(`SELECT count(*) FROM pragma_foreign_key_check`).pluck().get() as number;
  if (broken > 0) throw new Error(`rebuilding ${table} left ${broken} broken references`);
}
