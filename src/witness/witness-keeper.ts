import type { Logger } from '../shared/logger';
import type { Db } from '../db/open';
import { databaseState, witnessedRegisters } from './witness-check';
import type { StorageWitness, WitnessRecord } from './witness';

/** How many unpaired tokens the witness remembers, newest last: enough for every pairing a terminal has ever had. */
const REVOKED_KEPT = 500;

/**
 * Keeps the storage witness up to date with a sound database: its record when the identity, the
 * pairings or the last batch change (at start, after a pairing or an unpairing, after a settlement),
 * its mark with every commit of a payment (the Ledger calls `witness.committed`).
 */
export class WitnessKeeper {
  constructor(
    private readonly witness: StorageWitness,
    private readonly db: Db,
    private readonly identity: () => Pick<WitnessRecord, 'tid' | 'mid' | 'serialNumber' | 'fingerprint'>,
    private previous: WitnessRecord | undefined,
    private readonly logger: Logger,
  ) {}

  /** At start, on a database found sound: the record as it is now, and the mark from its sequences. */
  start(): void {
    const state = this.update();
    this.witness.reset(state);
  }

  /** After a committed change of the pairings or the batch: the record written again, or a warning. */
  refresh(): void {
    try {
      this.update();
    } catch (err) {
      // The change is committed: a witness left behind vouches for less until its next write.
      this.logger.warn({ err }, 'the storage witness could not be written');
    }
  }

  /** Writes the record when what it vouches for changed (the ids alone do not make it change: the mark has them). */
  update(): { transactions: number; events: number } {
    const state = databaseState(this.db);
    const registers = witnessedRegisters(state.registers);
    const active = new Set(registers.map((r) => r.selector));
    const unpaired = (this.previous?.registers ?? []).map((r) => r.selector).filter((s) => !active.has(s));
    const revoked = [...new Set([...(this.previous?.revoked ?? []), ...unpaired])].slice(-REVOKED_KEPT);
    const record: WitnessRecord = { ...this.identity(), registers, revoked, batch: state.batch, transactions: state.transactions, events: state.events };
    if (!this.previous || vouched(record) !== vouched(this.previous)) {
      this.witness.write(record);
      this.previous = record;
    }
    return state;
  }
}

/** What the record vouches for beyond the ids (a record flagged damaged is always written again, without the flag). */
const vouched = ({ transactions: _t, events: _e, ...rest }: WitnessRecord) => JSON.stringify(rest);
