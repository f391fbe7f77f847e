import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../../src/db/open';
import { recoverDatabase } from '../../src/db/recover';
import { testContext } from '../helpers/context';
import { damagePage, leafPages, seedTransactions } from '../helpers/damage';
import { cleanupEposd, makeTempDir } from '../helpers/process';

describe("recoverDatabase: the technician's way back from a damaged database", () => {
  afterAll(cleanupEposd);

  it('When a leaf page of transactions is damaged, then it backs up the files as they are, copies every readable row into a sound database, verifies it, and installs it without deleting anything', () => {
    const dir = makeTempDir('eposd-recover-');
    const file = join(dir, 'eposd.db');
    const db = openDatabase(file);
    db.prepare(`INSERT INTO settings (key, value) VALUES ('tid', '87654321')`).run();
    const utis = seedTransactions(db, 400, Date.parse('2025-04-28T08:00:00Z'));
    const leaf = leafPages(db, 'transactions')[0]!;
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    damagePage(file, leaf);
    const damaged = readFileSync(file);

    const r = recoverDatabase(dir, { install: true, now: new Date('2025-04-28T10:00:00Z') });

    expect(readFileSync(join(r.backupDir, 'eposd.db')).equals(damaged)).toBe(true);
    expect(readFileSync(join(dir, 'eposd.db.damaged-20250428T100000Z')).equals(damaged)).toBe(true);
    expect(r).toMatchObject({ installed: true, integrity: 'ok', recoveredFile: file });
    const transactions = r.tables.find((t) => t.table === 'transactions')!;
    expect(transactions.copied).toBeGreaterThan(300);
    expect(transactions.copied + transactions.unreadable).toBe(400);
    const recovered = new Database(file, { readonly: true });
    expect(recovered.prepare(`SELECT value FROM settings WHERE key = 'tid'`).pluck().get()).toBe('87654321');
    expect(recovered.prepare(`SELECT uti FROM transactions WHERE uti = ?`).pluck().get(utis[399])).toBe(utis[399]);
    // Receipt numbers never start again below where they were.
    expect(recovered.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'transactions'`).pluck().get()).toBe(400);
    recovered.close();
    expect(readdirSync(dir).sort()).toEqual(expect.arrayContaining(['backup-20250428T100000Z', 'eposd.db', 'eposd.db.damaged-20250428T100000Z']));

    // eposd starts on it, sound, with the TID it kept.
    const t = testContext({ db: openDatabase(file), env: { EPOSD_TID: '87654321' } });
    t.ctx.start();
    expect(t.ctx.storage.state.name).toBe('OK');
    t.ctx.destroy();
  });
});
