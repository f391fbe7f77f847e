import type Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations';

/**
 * Applies, in order and each in its own transaction, every migration newer than `user_version`, up to
 * `target` (all of them unless told: a smaller target builds an older release's schema, for tests).
 */
export function migrate(db: Database.Database, target = MIGRATIONS.length): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema ${current} is newer than this eposd knows (${MIGRATIONS.length})`);
  }
  MIGRATIONS.slice(current, target).forEach((m, i) => {
    db.transaction(() => {
      m.before?.(db);
      db.exec(m.sql);
      db.pragma(`user_version = ${current + i + 1}`);
    })();
  });
  return Math.max(current, target);
}

export const SCHEMA_VERSION = MIGRATIONS.length;
