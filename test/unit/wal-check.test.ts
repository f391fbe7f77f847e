import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { scanWal } from '../../src/db/wal-check';
import { flipBit } from '../helpers/damage';
import { cleanupEposd, makeTempDir } from '../helpers/process';

// Issue 26 item 1: SQLite replays the write-ahead log up to its first damaged frame and drops the rest
// without a word. scanWal finds the committed frames it would drop, before SQLite opens the file.

const PAGE = 4096;
const FRAME = 24 + PAGE;
const frameAt = (i: number) => 32 + i * FRAME;

/** A database whose every commit is still in the log, copied as a kill -9 would leave it (the -shm with it). */
function killedDatabase(commits: number): { dir: string; file: string; frames: number; rows: () => number } {
  const live = join(makeTempDir('eposd-wal-'), 'live');
  mkdirSync(live);
  const db = new Database(join(live, 'eposd.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  for (let i = 0; i < commits; i++) db.prepare('INSERT INTO t (v) VALUES (?)').run('x'.repeat(3000));
  const dir = join(live, '..', 'killed');
  mkdirSync(dir);
  for (const f of ['eposd.db', 'eposd.db-wal', 'eposd.db-shm']) copyFileSync(join(live, f), join(dir, f));
  db.close();
  const file = join(dir, 'eposd.db');
  return {
    dir,
    file,
    frames: (statSync(`${file}-wal`).size - 32) / FRAME,
    rows: () => {
      const copy = new Database(file, { readonly: true });
      try {
        return copy.prepare('SELECT count(*) FROM t').pluck().get() as number;
      } finally {
        copy.close();
      }
    },
  };
}

describe('scanWal', () => {
  afterAll(cleanupEposd);

  it('When the log is sound, then it finds every frame replayed and no damage', () => {
    const k = killedDatabase(6);
    expect(scanWal(k.file)).toEqual({ frames: k.frames, replayed: k.frames });
    expect(k.rows()).toBe(6);
  });

  it('When a frame in the middle is damaged, then it says so, and SQLite would indeed drop the commits after it', () => {
    const k = killedDatabase(6);
    flipBit(`${k.file}-wal`, frameAt(3) + 24 + 1000, 5);
    expect(scanWal(k.file).damage).toMatch(/^frame 4 of the write-ahead log is damaged: SQLite would stop there and drop \d+ later commit\(s\)$/);
    expect(k.rows()).toBeLessThan(6);
  });

  it.each([
    ['its page number', 0],
    ['its commit size', 4],
    ['a salt', 9],
    ['its checksum', 17],
  ])('When %s in a frame header is damaged, then it says so', (_, offset) => {
    const k = killedDatabase(6);
    flipBit(`${k.file}-wal`, frameAt(2) + offset, 0);
    expect(scanWal(k.file).damage).toMatch(/^frame 3 of the write-ahead log is damaged/);
  });

  it('When the last commit frame is damaged, then the -shm file a crash leaves behind shows it was committed', () => {
    const k = killedDatabase(6);
    flipBit(`${k.file}-wal`, frameAt(k.frames - 1) + 24 + 10, 3);
    expect(scanWal(k.file).damage).toMatch(/^frame \d+ of the write-ahead log is damaged: \d+ frame\(s\) committed after it would be dropped$/);
    expect(k.rows()).toBe(5);
  });

  it.each([
    ['the magic number', 3],
    ['the page size', 10],
    ['a salt', 17],
    ['the checksum', 27],
  ])("When %s in the log's header is damaged, then it says SQLite would ignore the whole log", (_, offset) => {
    const k = killedDatabase(3);
    flipBit(`${k.file}-wal`, offset, 1);
    expect(scanWal(k.file).damage).toBe(`the write-ahead log's header is damaged: SQLite would ignore all ${k.frames} frame(s) of the log`);
  });

  it('When the last transaction was cut off before its commit frame, then it is no damage', () => {
    const k = killedDatabase(6);
    // The last commit's frame cut in the middle, as a kill in the middle of a write leaves it.
    truncateSync(`${k.file}-wal`, frameAt(k.frames - 1) + 24 + 100);
    rmSync(`${k.file}-shm`);
    const scan = scanWal(k.file);
    expect(scan.damage).toBeUndefined();
    expect(scan.replayed).toBeLessThan(k.frames - 1);
    expect(k.rows()).toBe(5);
  });

  it('When the log is missing but the -shm file shows frames not yet in the database, then it says so; after a clean close, nothing', () => {
    const k = killedDatabase(4);
    rmSync(`${k.file}-wal`);
    expect(scanWal(k.file).damage).toMatch(/^the write-ahead log is missing, but \d+ committed frame\(s\) were not yet in the database file$/);
    rmSync(`${k.file}-shm`);
    expect(scanWal(k.file)).toEqual({ frames: 0, replayed: 0 });
    expect(existsSync(k.file)).toBe(true);
  });
});
