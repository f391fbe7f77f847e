import Database from 'better-sqlite3';
import { existsSync, renameSync, statSync } from 'node:fs';
import { SettingsRepository } from '../identity/settings.repository';
import { RegistersRepository } from '../pairing/registers.repository';
import { asideName } from '../shared/startup-error';
import { SCHEMA_VERSION } from '../db/migrate';
import { openDatabase, type Db, type OpenOptions } from '../db/open';
import { isCorruption } from '../db/storage-health';
import { scanWal } from '../db/wal-check';
import { databaseState, missingFromDatabase } from './witness-check';
import type { StorageWitness, WitnessRecord } from './witness';

export interface OpenedStorage {
  db: Db;
  /**
   * While the database is damaged: a stand-in in memory for the settings and registers, from the
   * witness (identity, pairings: complete even when the database lost some). A technician can pair
   * there to read diagnostics; it lasts until the next start.
   */
  pairings?: Db;
  /** Why the terminal takes no payments: damage found before or while opening. Undefined: sound. */
  damage?: string;
  /** What the witness held before this start (undefined: none yet). */
  record?: WitnessRecord;
}

/**
 * Opens the terminal's database as openDatabase does, once the storage witness has vouched for it:
 * the write-ahead log read before SQLite reads it (wal-check.ts), then the database read-only against
 * the witness (witness-check.ts). Damage, found now or at an earlier start (the witness keeps it), opens
 * it read-only instead, so that nothing, not even SQLite's checkpoint at close, changes the files the
 * recovery tool needs, and a stand-in in memory holds the terminal's identity and pairings from the
 * witness (and takes the database's place when it cannot be read at all). Either way the terminal
 * keeps its TID and pairings, answers what it can, and refuses payments.
 */
export function openStorage(file: string, witness: StorageWitness, options: OpenOptions = {}): OpenedStorage {
  const notes = options.notes ?? [];
  let record = readRecord(witness, notes, options.now);
  if (record && options.acceptNewIdentity && (record.damaged || sizeOf(file) === undefined)) {
    // The technician's deliberate way on without recovering: the files set aside, a new terminal.
    setAside(file, 'damaged', notes, options.now);
    record = undefined;
  }
  if (!record) return { db: openDatabase(file, options) };
  const empty = sizeOf(file) === 0 && !sizeOf(`${file}-wal`);
  if (empty && options.acceptNewIdentity) return { db: openDatabase(file, options) };
  let damage = record.damaged && !recovered(file, record.damaged, notes) ? record.damaged.detail : undefined;
  if (!damage && (empty || sizeOf(file) === undefined)) {
    damage = `${file} is ${empty ? 'empty' : 'missing'}, but this terminal (TID ${record.tid}) kept its records there`;
  }
  damage ??= scanWal(file).damage;
  let readable: Db | undefined;
  try {
    if (sizeOf(file)) readable = new Database(file, { readonly: true, fileMustExist: true });
    // A recovered database is measured against what it could save, not against what was lost (noted).
    const vouched = record.damaged ? { ...record, transactions: 0, events: 0, batch: 0, registers: [] } : record;
    damage ??= readable ? missingFromDatabase(databaseState(readable), vouched, record.damaged ? { transactions: 0, events: 0 } : witness.commits()) : undefined;
  } catch (err) {
    readable?.close();
    readable = undefined;
    // Damage already found explains whatever SQLite says of the file; otherwise only damage is damage.
    if (!damage && !isCorruption(err)) throw err;
    damage ??= `it cannot be read (${(err as { code: string }).code}: ${(err as Error).message})`;
  }
  if (!damage) {
    readable?.close();
    const db = openDatabase(file, options);
    // After a recovery the ids never go back below those committed before the damage: receipt numbers stay unique.
    if (record.damaged) raiseSequences(db, { transactions: record.transactions, events: Math.max(record.events, witness.commits().events) });
    return { db, record };
  }
  if (!record.damaged) witness.write({ ...record, damaged: { since: (options.now ?? new Date()).toISOString(), detail: damage, inode: inodeOf(file) } });
  const pairings = standIn(record);
  return { db: usable(readable) ?? pairings, pairings, damage, record };
}

/** The damaged database itself, read-only, when it still answers in this eposd's schema. */
function usable(db: Db | undefined): Db | undefined {
  try {
    if (db && db.pragma('user_version', { simple: true }) === SCHEMA_VERSION) return db;
  } catch {
    // a file SQLite cannot read from: the stand-in answers instead
  }
  db?.close();
  return undefined;
}

/** A database in memory that holds what the witness keeps: the identity and the pairings, nothing else. */
export function standIn(record: WitnessRecord): Db {
  const db = openDatabase(':memory:');
  const settings = new SettingsRepository(db);
  settings.set('tid', record.tid);
  settings.set('mid', record.mid);
  settings.set('serial', record.serialNumber);
  settings.set('fingerprint', record.fingerprint);
  const registers = new RegistersRepository(db);
  for (const r of record.registers) {
    registers.save({ ...r, tokenSelector: r.selector, tokenHash: Buffer.from(r.hash, 'hex'), callbackUrl: null, webhookSecret: null });
  }
  return db;
}

/** The witness's record; one that cannot be read is set aside (a note says so) and made again from the database. */
function readRecord(witness: StorageWitness, notes: string[], now?: Date): WitnessRecord | undefined {
  try {
    return witness.read();
  } catch (err) {
    const aside = asideName(witness.recordFile, 'damaged', now ?? new Date());
    renameSync(witness.recordFile, aside);
    notes.push(
      `The storage witness ${witness.recordFile} could not be read (${(err as Error).message}): it was set aside as ${aside} and made again from the database, which it could not vouch for this time.`,
    );
    return undefined;
  }
}

/** Whether the recovery tool installed a database in place of the damaged one: another file, that says it was recovered. */
function recovered(file: string, damaged: NonNullable<WitnessRecord['damaged']>, notes: string[]): boolean {
  if (!sizeOf(file) || inodeOf(file) === damaged.inode) return false;
  let at: string | undefined;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    at = new SettingsRepository(db).get('recovered_at');
  } catch {
    return false;
  } finally {
    db.close();
  }
  if (at) notes.push(`The database was recovered (${at}) after damage found ${damaged.since}: ${damaged.detail}. What the recovery could not read is lost to the terminal (docs/reliability.md).`);
  return at !== undefined;
}

function raiseSequences(db: Db, to: { transactions: number; events: number }): void {
  const raise = db.prepare(`UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?`);
  db.transaction(() => {
    raise.run(to.transactions, 'transactions');
    raise.run(to.events, 'transaction_events');
  })();
}

function inodeOf(file: string): number | null {
  try {
    return statSync(file).ino;
  } catch {
    return null;
  }
}

function setAside(file: string, why: string, notes: string[], now = new Date()): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    if (!existsSync(f)) continue;
    const aside = asideName(f, why, now);
    renameSync(f, aside);
    notes.push(`${f} was set aside as ${aside} and the terminal started as a new one (EPOSD_ACCEPT_NEW_IDENTITY).`);
  }
}

function sizeOf(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
}
