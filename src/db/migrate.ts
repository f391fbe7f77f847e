import type Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations';

/** Applies, in order and each in its own transaction, every migration newer than `user_version`. */
export function migrate(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema ${current} is newer than this eposd knows (${MIGRATIONS.length})`);
  }
  MIGRATIONS.slice(current).forEach((m, i) => {
    db.transaction(() => {
      m.before?.(db);
      db.exec(m.sql);
      db.pragma(`user_version = ${current + i + 1}`);
    })();
  });
  return MIGRATIONS.length;
}

export const SCHEMA_VERSION = MIGRATIONS.length;
