import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

/** A pairing as the database holds it: the token's selector and the SHA-256 of its secret, never the token. */
export interface WitnessedRegister {
  registerId: string;
  registerName: string;
  role: 'pos' | 'technician';
  selector: string;
  /** Hex. */
  hash: string;
  pairedAt: string;
  expiresAt: string | null;
}

/** What the database must hold, kept outside it. */
export interface WitnessRecord {
  tid: string;
  mid: string;
  serialNumber: string;
  fingerprint: string;
  registers: WitnessedRegister[];
  /** Token selectors unpaired since: a database that holds one of them as paired lost the unpairing. */
  revoked: string[];
  /** The newest closed batch's number (0: none). */
  batch: number;
  /** The highest transaction and event ids committed when the record was written. */
  transactions: number;
  events: number;
  /**
   * Set when damage was found: the terminal stays out of service until the recovery tool has installed
   * a recovered database (another file, `settings.recovered_at` set) or a new one is accepted.
   */
  damaged?: { since: string; detail: string; inode: number | null };
}

export interface Commits {
  transactions: number;
  events: number;
}

export const WITNESS_FILE = 'eposd-witness.json';
export const MARK_FILE = 'eposd-witness.mark';
const SLOT_BYTES = 32;
const MAGIC = 0x45505744; // "EPWD"

/**
 * The storage witness: what the database must hold, kept outside the database and its log, in the
 * certificate directory beside the key (`eposd-witness.json` and `eposd-witness.mark`). With it eposd
 * tells a new database from one that lost its contents, and a log that lost its last commits.
 * @NOTE Two files, two ways of writing. The record (identity, pairings, the last batch, a sticky damage
 * flag) changes rarely and is replaced atomically and synced. The mark (the highest transaction and
 * event ids) changes with every commit of a payment, so it is two 32-byte slots written in turn in
 * place, each with a CRC, not synced: a few microseconds, on the payment's path. It is written after
 * SQLite's commit, which is on disk by then, so it is never ahead of the database, even after a power
 * cut; it may be behind after one, and then the last commits are not vouched for.
 */
export class StorageWitness {
  readonly recordFile: string;
  readonly markFile: string;
  private fd: number | undefined;
  private seq = 0;
  private last: Commits = { transactions: 0, events: 0 };

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.recordFile = join(dir, WITNESS_FILE);
    this.markFile = join(dir, MARK_FILE);
  }

  /** The record, undefined when there is none (a new terminal, or one that ran an eposd without it). */
  read(): WitnessRecord | undefined {
    let text: string;
    try {
      text = readFileSync(this.recordFile, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const record = JSON.parse(text) as WitnessRecord;
    if (typeof record.tid !== 'string' || !Array.isArray(record.registers)) throw new Error(`${this.recordFile} is not a storage witness`);
    return record;
  }

  write(record: WitnessRecord): void {
    const tmp = `${this.recordFile}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(record, null, 1)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.recordFile);
    syncDirectory(this.recordFile);
  }

  /** The highest ids the mark holds (zeros when it has none). */
  commits(): Commits {
    let fd: number;
    try {
      fd = openSync(this.markFile, 'r');
    } catch {
      return { transactions: 0, events: 0 };
    }
    try {
      const buf = Buffer.alloc(2 * SLOT_BYTES);
      readSync(fd, buf, 0, buf.length, 0);
      const slots = [0, 1].map((i) => decode(buf.subarray(i * SLOT_BYTES, (i + 1) * SLOT_BYTES))).filter((s) => s !== undefined);
      const newest = slots.sort((a, b) => b.seq - a.seq)[0];
      if (newest) this.seq = newest.seq;
      return newest ? { transactions: newest.transactions, events: newest.events } : { transactions: 0, events: 0 };
    } finally {
      closeSync(fd);
    }
  }

  /** A payment's commit: the ids it reached, written at once into the older slot. */
  committed(ids: Partial<Commits>): void {
    const next = { transactions: Math.max(this.last.transactions, ids.transactions ?? 0), events: Math.max(this.last.events, ids.events ?? 0) };
    if (next.transactions === this.last.transactions && next.events === this.last.events) return;
    this.last = next;
    this.seq += 1;
    const slot = Buffer.alloc(SLOT_BYTES);
    slot.writeUInt32LE(MAGIC, 0);
    slot.writeUInt32LE(this.seq, 4);
    slot.writeDoubleLE(next.transactions, 8);
    slot.writeDoubleLE(next.events, 16);
    slot.writeUInt32LE(crc32(slot.subarray(0, 28)), 28);
    try {
      this.fd ??= openForWriting(this.markFile);
      writeSync(this.fd, slot, 0, SLOT_BYTES, (this.seq % 2) * SLOT_BYTES);
    } catch {
      // The commit is made and must not look failed: a mark left behind vouches for less, never for more.
    }
  }

  /** Starts the mark from what the database holds (at start, once it is known sound). */
  reset(ids: Commits): void {
    this.commits();
    this.last = { transactions: -1, events: -1 };
    this.committed(ids);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Written in place: opened for reading and writing, created when missing (never in append mode, which ignores the position). */
function openForWriting(file: string): number {
  try {
    return openSync(file, 'r+');
  } catch {
    return openSync(file, 'w+', 0o600);
  }
}

function decode(slot: Buffer): (Commits & { seq: number }) | undefined {
  if (slot.length < SLOT_BYTES || slot.readUInt32LE(0) !== MAGIC || slot.readUInt32LE(28) !== crc32(slot.subarray(0, 28))) return undefined;
  return { seq: slot.readUInt32LE(4), transactions: slot.readDoubleLE(8), events: slot.readDoubleLE(16) };
}

/** The rename is only durable once the directory is: fsync it too. */
function syncDirectory(file: string): void {
  const fd = openSync(join(file, '..'), 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
