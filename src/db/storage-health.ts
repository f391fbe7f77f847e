import { EventEmitter } from 'node:events';
import { statSync } from 'node:fs';
import { ApiError } from '../shared/errors';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { Db } from './open';
import { integrityCheck } from './integrity';

/**
 * quick_check reads every page: about 13 ms per MiB on the reference machine (docs/reliability.md).
 * Up to this size it runs before the API listens, so that no payment is ever written into a damaged
 * file; above it, right after, in a worker thread, so that a warm start stays within its 300 ms.
 */
export const START_CHECK_MAX_BYTES = 2 * 1024 * 1024;

/** Transactions whose seal is checked in one turn of the event loop after the start: a few milliseconds. */
const SEALS_PER_TURN = 500;
/** The newest transactions, whose seals are checked before the API listens. */
const SEALS_BEFORE_LISTENING = 1000;

export type StorageState = { name: 'OK' } | { name: 'CORRUPT'; since: string; detail: string };

/** A row that does not read as it was written (db/seal.ts): damage SQLite cannot see. */
export class DamagedRecord extends Error {
  readonly code = 'EPOSD_DAMAGED_RECORD';
}

/** SQLITE_CORRUPT (and its extended codes), SQLITE_NOTADB, and a damaged record: the file itself is damaged. */
export function isCorruption(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_') || code === 'EPOSD_DAMAGED_RECORD');
}

export const RECOVERY_HINT = 'Payments are refused until a technician recovers the database (docs/reliability.md, "A damaged database").';

/**
 * Whether the database file can be trusted with new payments. Once SQLite has reported damage, by a
 * check or by a failed statement, it stays CORRUPT until the process restarts on a sound file: the
 * terminal goes on answering what it can still read, and refuses new payments.
 */
export class StorageHealth extends EventEmitter {
  private current: StorageState = { name: 'OK' };
  private lastCheck: { at: string; kind: string; result: string; ms: number } | null = null;
  /** The check at start found the file sound and left all the seals for after it. */
  private sealsLater = false;

  constructor(
    private readonly file: string,
    private readonly deps: {
      clock: Clock;
      logger: Logger;
      /** The transactions whose seal does not hold, from the id `after` (transactions.repository.ts): damage SQLite's checks cannot see. */
      unsealed?: (after: number, limit: number) => { damaged: string[]; last: number | undefined };
    },
  ) {
    super();
  }

  get state(): StorageState {
    return this.current;
  }

  get corrupt(): boolean {
    return this.current.name === 'CORRUPT';
  }

  /** Looks at an error a statement threw: damage reported by SQLite takes the terminal out of service. */
  observe(err: unknown): void {
    if (isCorruption(err)) this.markCorrupt(`SQLite reported ${(err as { code: string }).code}: ${(err as Error).message}`);
  }

  markCorrupt(detail: string): void {
    if (this.current.name === 'CORRUPT') return;
    this.current = { name: 'CORRUPT', since: this.deps.clock.now().toISOString(), detail };
    this.deps.logger.error({ file: this.file, detail }, `the database ${this.file} is damaged. ${RECOVERY_HINT}`);
    this.emit('change', this.current);
  }

  /** Refuses a new payment while the file is damaged. */
  assertWritable(): void {
    if (this.current.name === 'CORRUPT') {
      throw new ApiError('STORAGE_CORRUPT', "The terminal's database is damaged: it takes no new payments until a technician has recovered it. Earlier transactions can still be read.");
    }
  }

  /**
   * A transaction that is not there, or that no payment of this run left in progress: while the file is
   * damaged that may be what was lost, so the answer is the damage, never "not found".
   */
  assertComplete(): void {
    if (this.current.name === 'CORRUPT') {
      throw new ApiError('STORAGE_CORRUPT', "The terminal's database is damaged: this transaction, or its outcome, may be among what was lost. A technician must recover the database.");
    }
  }

  /** quick_check and the newest seals before listening when the file is small; answers false when work is left for `checkInBackground`. */
  checkAtStart(db: Db): boolean {
    if (!db.memory && fileSize(db.name) > START_CHECK_MAX_BYTES) return false;
    const t0 = performance.now();
    let rows: string[];
    try {
      rows = (db.pragma('quick_check', { simple: false }) as Record<string, string>[]).map((r) => Object.values(r)[0]!);
    } catch (err) {
      if (!isCorruption(err)) throw err;
      rows = [(err as Error).message];
    }
    // The newest transactions' seals now (those a POS asks about); every one after the start, a chunk a turn.
    if (rows.join() === 'ok') rows = this.sealsAfter(-1, SEALS_BEFORE_LISTENING);
    this.record('quick_check and newest seals (at start)', rows, performance.now() - t0);
    this.sealsLater = rows.join() === 'ok';
    return !this.sealsLater;
  }

  /** ['ok'], or which transactions' seals do not hold, from the id `after`, `limit` rows at most. */
  private sealsAfter(after: number, limit: number, next?: { last: number | undefined }): string[] {
    if (!this.deps.unsealed) return ['ok'];
    const found = this.deps.unsealed(after, limit === Infinity ? Number.MAX_SAFE_INTEGER : limit);
    if (next) next.last = found.last;
    return found.damaged.length === 0 ? ['ok'] : [`${found.damaged.length} transaction record(s) do not read as they were written: ${found.damaged.slice(0, 3).join(', ')}`];
  }

  /** quick_check in a worker thread on its own connection (unless done at start), then every seal, while the terminal already answers. */
  async checkInBackground(db: Db): Promise<void> {
    const t0 = performance.now();
    try {
      let rows = this.sealsLater ? ['ok'] : await integrityCheck(db, 'quick_check');
      // The seals a chunk at a time, each in a turn of its own: no request waits more than a few milliseconds.
      for (const at = { last: 0 as number | undefined }; rows.join() === 'ok' && at.last !== undefined; await new Promise((r) => setImmediate(r))) {
        rows = this.sealsAfter(at.last, SEALS_PER_TURN, at);
      }
      this.record(this.sealsLater ? 'seals (after start)' : 'quick_check and seals (after start)', rows, performance.now() - t0);
    } catch (err) {
      if (isCorruption(err)) this.record('quick_check (after start)', [(err as Error).message], performance.now() - t0);
      else this.deps.logger.warn({ err }, 'the background database check could not run');
    }
  }

  report() {
    return { state: this.current.name, ...(this.current.name === 'CORRUPT' ? { since: this.current.since, detail: this.current.detail } : {}), lastCheck: this.lastCheck };
  }

  private record(kind: string, rows: string[], ms: number): void {
    const result = rows.join('; ');
    this.lastCheck = { at: this.deps.clock.now().toISOString(), kind, result: result.slice(0, 500), ms: Math.round(ms) };
    // Until the check after the start has finished, payments are taken on a file not yet fully checked (docs/reliability.md).
    this.deps.logger.info({ kind, ms: this.lastCheck.ms, ok: result === 'ok' }, 'database check finished');
    if (result !== 'ok') this.markCorrupt(`${kind}: ${rows.slice(0, 3).join('; ')}`);
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
