import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { LOG_TABLES } from '../../helpers/db';

/**
 * The same contents as test/helpers/db.ts `dbSnapshot` (every row of every table but the audit log,
 * and the schema version), as one SHA-256: cheap enough to take around each of 100,000 requests.
 * Rows go in rowid order, which an unchanged table keeps.
 */
export function dbDigest(db: Database.Database): string {
  const hash = createHash('sha256');
  hash.update(String(db.pragma('user_version', { simple: true })));
  const names = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all() as string[];
  for (const name of names.filter((n) => !LOG_TABLES.includes(n))) {
    hash.update(`\u0000${name}\u0000`);
    for (const row of db
      .prepare(`SELECT * FROM "${name.replace(/"/g, '""')}" ORDER BY rowid`)
      .raw()
      .iterate() as Iterable<unknown[]>) {
      hash.update(JSON.stringify(row));
      hash.update('\n');
    }
  }
  return hash.digest('hex');
}
