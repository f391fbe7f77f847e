import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/open';
import { MIGRATIONS } from '../../src/db/migrations';
import { SCHEMA_VERSION } from '../../src/db/migrate';

describe('openDatabase', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'eposd-db-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('When a file database is opened, then it uses WAL, synchronous=FULL and foreign keys, in a directory it creates', () => {
    const db = openDatabase(join(dir, 'nested', 'eposd.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('When a file database is opened, then its temporary tables and sorts stay in memory (no temporary directory is needed)', () => {
    const db = openDatabase(join(dir, 'eposd.db'));
    expect(db.pragma('temp_store', { simple: true })).toBe(2);
    db.close();
  });

  it('When it is new, then every migration runs and user_version records how many', () => {
    const db = openDatabase(join(dir, 'eposd.db'));
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name IN ('settings', 'registers')`).pluck().all()).toHaveLength(2);
    db.close();
  });

  it('When it is opened again, then its data is kept and no migration runs twice', () => {
    const file = join(dir, 'eposd.db');
    const db = openDatabase(file);
    db.prepare(`INSERT INTO settings (key, value) VALUES ('tid', '12345678')`).run();
    db.close();
    const again = openDatabase(file);
    expect(again.prepare(`SELECT value FROM settings WHERE key = 'tid'`).pluck().get()).toBe('12345678');
    again.close();
  });

  it('When it is closed, then the write-ahead log is checkpointed away', () => {
    const file = join(dir, 'eposd.db');
    const db = openDatabase(file);
    db.prepare(`INSERT INTO settings (key, value) VALUES ('k', 'v')`).run();
    expect(existsSync(`${file}-wal`)).toBe(true);
    db.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('When the database is newer than this eposd, then opening it fails', () => {
    const file = join(dir, 'eposd.db');
    const db = openDatabase(file);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => openDatabase(file)).toThrow(/newer than this eposd knows/);
  });
});
