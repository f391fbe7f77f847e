import type { Db } from '../db/open';
import type { TransactionEventsRepository } from './events.repository';
import type { NewTransaction, TransactionChange, TransactionsRepository } from './transactions.repository';
import type { ActiveTransaction, StateName } from './states';

export type LedgerTransaction = Pick<ActiveTransaction, 'id' | 'uti' | 'transType' | 'originalUti' | 'registerId'>;

/**
 * Commits each transition with its event, and what belongs with an outcome (the original marked voided
 * or completed, the webhook outbox row), in one SQLite transaction.
 * @NOTE A new payment's first step is committed in its row (stage, created_at): that commit is all the
 * POS waits for. Its entry in the event log (IDLE → the first state) follows in a commit of its own,
 * once the POS has its answer (logOpening); should that one fail, or the terminal stop in between, the
 * next commit of the payment writes it first (docs/payments.md).
 */
export class Ledger {
  /** `check` runs first inside the same SQLite transaction: a rule on what is written (a refund's cap) that nothing can slip past. */
  readonly open: (tx: NewTransaction, check?: () => void) => { id: number };
  /** Writes the first step's event of the transaction, if it is not written yet: its event id, or undefined. */
  readonly logOpening: (transactionId: number) => number | undefined;
  readonly advance: (tx: LedgerTransaction, from: StateName, to: StateName, change: TransactionChange, at: number, detail?: string) => number;

  constructor(
    db: Db,
    transactions: TransactionsRepository,
    events: TransactionEventsRepository,
    outbox: { enqueue(uti: string, registerId: string, at: number): void; enqueueUpdated?(uti: string, registerId: string, at: number): void },
    storage: { observe(err: unknown): void } = { observe: () => undefined },
    /** The storage witness (witness/witness.ts): told the ids each commit reached, once it is made. */
    witness?: { committed(ids: { transactions?: number; events?: number }): void },
  ) {
    // A commit that SQLite refuses as damaged takes the terminal out of service (StorageHealth).
    const watched =
      <A extends unknown[], R>(fn: (...a: A) => R) =>
      (...a: A): R => {
        try {
          return fn(...a);
        } catch (err) {
          storage.observe(err);
          throw err;
        }
      };
    // Once committed, the ids it reached go to the witness: the POS has not been answered yet.
    const witnessed =
      <A extends unknown[], R>(fn: (...a: A) => R, ids: (r: R) => { transactions?: number; events?: number }) =>
      (...a: A): R => {
        const r = fn(...a);
        witness?.committed(ids(r));
        return r;
      };
    this.open = witnessed(
      watched(
        db.transaction((tx: NewTransaction, check?: () => void) => {
          check?.();
          const id = transactions.insert(tx);
          outbox.enqueueUpdated?.(tx.uti, tx.registerId, tx.createdAt);
          return { id };
        }),
      ),
      (r) => ({ transactions: r.id }),
    );
    // The row's stage is the first state as long as its log is empty: no other step has been committed.
    const writeOpening = (transactionId: number): number | undefined => {
      const first = events.unlogged(transactionId);
      return first && events.append({ transactionId, at: first.createdAt, fromState: 'IDLE', toState: first.stage, detail: null });
    };
    this.logOpening = witnessed(watched(db.transaction(writeOpening)), (eventId) => ({ events: eventId }));
    this.advance = witnessed(
      watched(
        db.transaction((tx: LedgerTransaction, from: StateName, to: StateName, change: TransactionChange, at: number, detail?: string) => {
          writeOpening(tx.id);
          transactions.update(tx.id, change);
          const eventId = events.append({ transactionId: tx.id, at, fromState: from, toState: to, detail: detail ?? change.status ?? null });
          if (change.status === 'APPROVED' && tx.originalUti) {
            if (tx.transType === 'REVERSAL') {
              transactions.markVoided(tx.originalUti, tx.uti);
              transactions.reopenPreauthOf(tx.originalUti);
              // Voiding a pre-authorisation releases the whole hold, its INCREMENTs with it.
              transactions.markIncrementsVoided(tx.originalUti, tx.uti);
            }
            if (tx.transType === 'COMPLETION') transactions.markCompleted(tx.originalUti, tx.uti);
          }
          if (change.status && change.status !== 'IN_PROGRESS') outbox.enqueue(tx.uti, tx.registerId, at);
          else outbox.enqueueUpdated?.(tx.uti, tx.registerId, at);
          return eventId;
        }),
      ),
      (eventId) => ({ events: eventId }),
    );
  }
}
