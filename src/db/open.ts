import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from './migrate';

export type Db = Database.Database;

/**
 * Opens (or creates) the database and brings its schema up to date.
 * @NOTE synchronous=FULL: money is at stake, so a commit is on disk before anything is acknowledged,
 * even across a power loss. WAL keeps readers from waiting on that writer.
 */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // 1 MiB of page cache instead of SQLite's 2: the pages a terminal reads again and again (the
  // payments of the day, the upper levels of the indexes) fit, and the rest is in the OS's file cache.
  db.pragma('cache_size = -1024');
  migrate(db);
  return db;
}
