import type { Db } from '../../src/db/open';

export type DbSnapshot = { userVersion: unknown; tables: Record<string, unknown[]> };

/**
 * The audit trail records rejected attempts (failed pairing, failed authentication) on purpose; it
 * is a log, not state. Everything else must be exactly as it was after a rejected request.
 */
export const LOG_TABLES = ['audit_events'];

/**
 * Every row of every table but the audit log, in a stable order, and the schema version: compare a
 * snapshot taken before a rejected request with one taken after to show that nothing changed.
 */
export function dbSnapshot(db: Db): DbSnapshot {
  const names = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all() as string[];
  const tables: Record<string, unknown[]> = {};
  for (const name of names.filter((n) => !LOG_TABLES.includes(n))) {
    const rows = db.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}"`).all();
    tables[name] = rows
      .map((row) => ({ row, key: JSON.stringify(row) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map(({ row }) => row);
  }
  return { userVersion: db.pragma('user_version', { simple: true }), tables };
}
