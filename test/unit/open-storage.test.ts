import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openStorage } from '../../src/witness/open-storage';
import { recoverDatabase } from '../../src/db/recover';
import { StorageWitness } from '../../src/witness/witness';
import { WitnessKeeper } from '../../src/witness/witness-keeper';
import { silentLogger } from '../../src/shared/logger';
import { RegistersRepository } from '../../src/pairing/registers.repository';
import { SettingsRepository } from '../../src/identity/settings.repository';
import { cleanupEposd, makeTempDir } from '../helpers/process';

// Issue 26 item 1: what the storage witness vouches for, checked as the database is opened.

const IDENTITY = { tid: '12345678', mid: '000000000000001', serialNumber: 'EPD000000001', fingerprint: 'a'.repeat(64) };
const register = (registerId: string, selector: string) => ({
  registerId,
  registerName: registerId,
  role: 'pos' as const,
  tokenSelector: selector,
  tokenHash: Buffer.alloc(32, 7),
  pairedAt: '2026-01-01T00:00:00.000Z',
  expiresAt: null,
  callbackUrl: null,
  webhookSecret: null,
});

describe('openStorage', () => {
  let dir: string;
  let file: string;
  let witness: StorageWitness;
  afterAll(cleanupEposd);

  /** A terminal's first start: the database made, its TID kept, the witness written. */
  function firstStart() {
    dir = makeTempDir('eposd-storage-');
    file = join(dir, 'data', 'eposd.db');
    witness = new StorageWitness(join(dir, 'certs'));
    const { db } = openStorage(file, witness);
    new SettingsRepository(db).set('tid', IDENTITY.tid);
    const keeper = new WitnessKeeper(witness, db, () => IDENTITY, undefined, silentLogger);
    keeper.start();
    return { db, keeper, registers: new RegistersRepository(db) };
  }

  it('When the database lost an unpairing (an older copy put back), then it is damage, and it stays damage at the next start', () => {
    const { db, keeper, registers } = firstStart();
    registers.save(register('till-1', 'S'.repeat(16)));
    keeper.update();
    db.pragma('wal_checkpoint(TRUNCATE)');
    copyFileSync(file, `${file}.older`);
    registers.revoke('till-1', '2026-01-02T00:00:00.000Z');
    keeper.update();
    db.close();
    copyFileSync(`${file}.older`, file);
    const opened = openStorage(file, witness);
    expect(opened.damage).toBe('it lost 1 pairing change(s): register till-1 holds a token unpaired since');
    expect(opened.db.readonly).toBe(true);
    // The pairings answer from the witness: the unpaired token is not among them.
    expect(new RegistersRepository(opened.pairings!).list()).toEqual([]);
    opened.db.close();
    opened.pairings!.close();
    expect(witness.read()?.damaged?.detail).toBe(opened.damage);
    const again = openStorage(file, witness);
    expect(again.damage).toBe(opened.damage);
    again.db.close();
  });

  it('When the database is gone but the witness knows the terminal, then it is a loss, not a first start, and the stand-in keeps the TID', () => {
    const { db } = firstStart();
    db.close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    const opened = openStorage(file, witness);
    expect(opened.damage).toBe(`${file} is missing, but this terminal (TID ${IDENTITY.tid}) kept its records there`);
    expect(new SettingsRepository(opened.db).get('tid')).toBe(IDENTITY.tid);
    expect(existsSync(file)).toBe(false);
    opened.db.close();
  });

  it('When the recovery tool installed a recovered database, then it is taken in place of the damaged one, noted, with the ids raised', () => {
    const { db } = firstStart();
    db.prepare(`INSERT INTO sqlite_sequence (name, seq) VALUES ('transactions', 5)`).run();
    db.close();
    witness.write({ ...witness.read()!, transactions: 9, damaged: { since: '2026-01-03T00:00:00.000Z', detail: 'a frame of the log', inode: null } });
    const damaged = openStorage(file, witness);
    expect(damaged.damage).toBe('a frame of the log');
    damaged.db.close();
    damaged.pairings!.close();
    recoverDatabase(join(dir, 'data'), { install: true });
    const notes: string[] = [];
    const opened = openStorage(file, witness, { notes });
    expect(opened.damage).toBeUndefined();
    expect(notes.join()).toMatch(/^The database was recovered \(.*\) after damage found 2026-01-03T00:00:00.000Z: a frame of the log\./);
    expect(opened.db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'transactions'`).pluck().get()).toBe(9);
    opened.db.close();
  });
});
