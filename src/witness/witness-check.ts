import { SettingsRepository } from '../identity/settings.repository';
import { RegistersRepository, type RegisterRow } from '../pairing/registers.repository';
import { BatchesRepository } from '../settlement/batches.repository';
import type { Db } from '../db/open';
import type { Commits, WitnessedRegister, WitnessRecord } from './witness';

/** What a database holds of what the storage witness vouches for. */
export interface DatabaseState extends Commits {
  tid: string | undefined;
  registers: RegisterRow[];
  batch: number;
}

/** Reads it through the tables' own repositories, and SQLite's sequences (which the purge never lowers). */
export function databaseState(db: Db): DatabaseState {
  const sequences = new Map(
    db
      .prepare<[], { name: string; seq: number }>(`SELECT name, seq FROM sqlite_sequence WHERE name IN ('transactions', 'transaction_events')`)
      .all()
      .map((r) => [r.name, r.seq]),
  );
  return {
    tid: new SettingsRepository(db).get('tid'),
    registers: new RegistersRepository(db).list(),
    batch: new BatchesRepository(db).last()?.id ?? 0,
    transactions: sequences.get('transactions') ?? 0,
    events: sequences.get('transaction_events') ?? 0,
  };
}

/**
 * What the database lacks of what the witness says it held, in a sentence; undefined when it holds all
 * of it. The witness is written after the database's commit, so a database may be ahead of it (a
 * pairing whose record the crash cut off), never behind it unless it lost commits.
 */
export function missingFromDatabase(state: DatabaseState, record: WitnessRecord, commits: Commits): string | undefined {
  if (state.tid === undefined) return `it holds no TID, but this terminal's is ${record.tid}: its contents are gone`;
  if (state.tid !== record.tid) return `its TID is ${state.tid}, but this terminal's is ${record.tid}: it is not this terminal's database`;
  const transactions = Math.max(record.transactions, commits.transactions);
  if (state.transactions < transactions) return `it holds transactions up to number ${state.transactions}, but number ${transactions} was committed`;
  const events = Math.max(record.events, commits.events);
  if (state.events < events) return `it holds payment steps up to number ${state.events}, but number ${events} was committed`;
  if (state.batch < record.batch) return `its newest closed batch is number ${state.batch}, but number ${record.batch} was closed`;
  const lost = lostPairings(state.registers, record);
  return lost.length > 0 ? `it lost ${lost.length} pairing change(s): ${lost.slice(0, 3).join('; ')}` : undefined;
}

/** The pairings the database no longer holds as the witness saw them: one unpaired since is no loss, one paired again after its unpairing is. */
export function lostPairings(rows: RegisterRow[], record: Pick<WitnessRecord, 'registers' | 'revoked'>): string[] {
  const byId = new Map(rows.map((r) => [r.registerId, r]));
  const revoked = new Set(record.revoked);
  const lost = record.registers.filter((r) => !byId.has(r.registerId)).map((r) => `register ${r.registerId} is not there`);
  for (const row of rows) if (row.tokenSelector !== null && revoked.has(row.tokenSelector)) lost.push(`register ${row.registerId} holds a token unpaired since`);
  return lost;
}

/** The pairings to witness: every register holding a token. */
export function witnessedRegisters(rows: RegisterRow[]): WitnessedRegister[] {
  return rows
    .filter((r) => r.tokenSelector !== null && r.tokenHash !== null && r.revokedAt === null)
    .map((r) => ({
      registerId: r.registerId,
      registerName: r.registerName,
      role: r.role,
      selector: r.tokenSelector!,
      hash: r.tokenHash!.toString('hex'),
      pairedAt: r.pairedAt,
      expiresAt: r.expiresAt,
    }));
}
