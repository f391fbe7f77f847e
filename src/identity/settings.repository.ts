import type { Db } from '../db/open';

export class SettingsRepository {
  private readonly getStmt;
  private readonly insertStmt;
  /** The database file, for messages that must name it. */
  readonly file: string;
  constructor(db: Db) {
    this.file = db.name;
    this.getStmt = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
    this.insertStmt = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  }
  get(key: string): string | undefined {
    return this.getStmt.get(key)?.value;
  }
  set(key: string, value: string): void {
    this.insertStmt.run(key, value);
  }
  /** The stored value, or `make()` stored now and returned from then on. */
  getOrCreate(key: string, make: () => string): string {
    const existing = this.get(key);
    if (existing !== undefined) return existing;
    const value = make();
    this.set(key, value);
    return value;
  }
}
