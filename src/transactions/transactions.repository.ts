import type { Db } from '../db/open';
import { DamagedRecord } from '../db/storage-health';
import type { Stage, Status, TransType } from './model';
import { SEALED_COLUMNS, sealOf, sealOfValues } from '../db/seal';
import { CheckedRows } from './checked-rows';

export interface TransactionRow {
  id: number;
  uti: string;
  transType: TransType;
  /** Minor units; a REVERSAL's is the amount it voids. */
  amount: number;
  currency: string;
  reference: string | null;
  originalUti: string | null;
  registerId: string;
  requestHash: Buffer | null;
  disablePrinting: number;
  status: Status;
  stage: Stage | 'PRINTING' | null;
  statusReason: string | null;
  responseCode: string | null;
  authCode: string | null;
  maskedPan: string | null;
  entryMode: string | null;
  aid: string | null;
  appName: string | null;
  cvm: string | null;
  voidedBy: string | null;
  completedBy: string | null;
  reversal: 'PENDING' | 'DONE' | null;
  batchId: number | null;
  createdAt: number;
  completedAt: number | null;
  /** Payment breadth (money.ts): NULL when not sent. */
  tipAmount: number | null;
  cashbackAmount: number | null;
  /** What the host approved, when it approved less than asked. */
  amountAuthorised: number | null;
  allowPartial: number | null;
  /** JSON: the tip percentages offered on the terminal. */
  tipOptions: string | null;
  /** Order data, compact (order.ts); null when the POS sent none. */
  orderData: string | null;
  locale: string | null;
  cardBrand: string | null;
  /** EMV data, compact (card-outcome.ts). */
  emv: string | null;
  /** The card's identity: a keyed hash of its number made where it was read (reader/card-identity.ts). Stored, never shown. */
  cardId: string | null;
  /** Read, not stored: a SALE's or COMPLETION's approved linked REFUNDs that stand (not voided), as `id:uti` separated by spaces, and their sum; null when none. */
  refundUtis: string | null;
  amountRefunded: number | null;
}

export type NewTransaction = Pick<
  TransactionRow,
  'uti' | 'transType' | 'amount' | 'currency' | 'reference' | 'originalUti' | 'registerId' | 'requestHash' | 'disablePrinting' | 'stage' | 'createdAt'
> &
  Partial<
    Pick<
      TransactionRow,
      'maskedPan' | 'entryMode' | 'aid' | 'appName' | 'cvm' | 'tipAmount' | 'cashbackAmount' | 'allowPartial' | 'tipOptions' | 'amountAuthorised' | 'orderData' | 'locale' | 'cardBrand'
    >
  > & {
    /** Written beside the row, for the search by metadata. */
    metadata?: Record<string, string>;
  };

/** The columns a transition may change. */
export type TransactionChange = Partial<
  Pick<
    TransactionRow,
    | 'status'
    | 'stage'
    | 'statusReason'
    | 'responseCode'
    | 'authCode'
    | 'maskedPan'
    | 'entryMode'
    | 'aid'
    | 'appName'
    | 'cvm'
    | 'completedAt'
    | 'reversal'
    | 'tipAmount'
    | 'amountAuthorised'
    | 'cardBrand'
    | 'emv'
    | 'cardId'
  >
>;

/** An aggregate of the linked refunds that gave money back from the row's transaction (through the index on original_uti). */
const refunded = (aggregate: string) =>
  `CASE WHEN transactions.trans_type IN ('SALE', 'COMPLETION') THEN (SELECT ${aggregate} FROM transactions r
     WHERE r.original_uti = transactions.uti AND r.trans_type = 'REFUND' AND r.status = 'APPROVED' AND r.voided_by IS NULL) END`;

/** Every column of a transaction row, as the row's fields: the one list every SELECT of the module uses. */
export const COLUMNS = `id, uti, trans_type AS transType, amount, currency, reference, original_uti AS originalUti,
  register_id AS registerId, request_hash AS requestHash, disable_printing AS disablePrinting, status, stage,
  status_reason AS statusReason, response_code AS responseCode, auth_code AS authCode, masked_pan AS maskedPan,
  entry_mode AS entryMode, aid, app_name AS appName, cvm, voided_by AS voidedBy, completed_by AS completedBy,
  reversal, batch_id AS batchId, created_at AS createdAt, completed_at AS completedAt,
  tip_amount AS tipAmount, cashback_amount AS cashbackAmount, amount_authorised AS amountAuthorised, allow_partial AS allowPartial, tip_options AS tipOptions,
  order_data AS orderData, locale, card_brand AS cardBrand, emv, card_id AS cardId,
  ${refunded("group_concat(r.id || ':' || r.uti, ' ')")} AS refundUtis, ${refunded('sum(coalesce(r.amount_authorised, r.amount))')} AS amountRefunded`;

/** A final transaction of the open batch, as settlement totals it. */
export interface UnsettledRow {
  transType: string;
  status: string;
  amount: number;
  voided: number;
  createdAt: number;
  currency: string;
  tipAmount: number | null;
  cashbackAmount: number | null;
  amountAuthorised: number | null;
}

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export class TransactionsRepository {
  private readonly checked = new CheckedRows<TransactionRow>();
  private readonly insertStmt;
  private readonly insertMetadataStmt;
  private readonly byUtiStmt;
  private readonly inProgressStmt;
  private readonly pendingReversalsStmt;
  private readonly markVoidedStmt;
  private readonly markCompletedStmt;
  private readonly reopenPreauthStmt;
  private readonly unsettledStmt;
  private readonly oldestUnsettledStmt;
  private readonly assignBatchStmt;
  private readonly countsStmt;
  private readonly newestStmt;
  private readonly linkedStmt;
  private readonly markIncrementsVoidedStmt;
  private readonly updateStmts = new Map<string, ReturnType<Db['prepare']>>();
  private readonly byIdStmt;
  private readonly resealStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(`
      INSERT INTO transactions (uti, trans_type, amount, currency, reference, original_uti, register_id, request_hash,
        disable_printing, status, stage, masked_pan, entry_mode, aid, app_name, cvm, created_at,
        tip_amount, cashback_amount, allow_partial, tip_options, amount_authorised, order_data, locale, card_brand)
      VALUES (@uti, @transType, @amount, @currency, @reference, @originalUti, @registerId, @requestHash,
        @disablePrinting, 'IN_PROGRESS', @stage, @maskedPan, @entryMode, @aid, @appName, @cvm, @createdAt,
        @tipAmount, @cashbackAmount, @allowPartial, @tipOptions, @amountAuthorised, @orderData, @locale, @cardBrand)`);
    this.insertMetadataStmt = db.prepare(`INSERT INTO transaction_metadata (transaction_id, key, value, at) VALUES (?, ?, ?, ?)`);
    this.byUtiStmt = db.prepare<[string], TransactionRow & { seal: Buffer | null }>(`SELECT ${COLUMNS}, seal FROM transactions WHERE uti = ?`);
    this.byIdStmt = db.prepare<[number], TransactionRow>(`SELECT ${COLUMNS} FROM transactions WHERE id = ?`);
    this.resealStmt = db.prepare(`UPDATE transactions SET seal = ? WHERE id = ?`);
    this.inProgressStmt = db.prepare<[], TransactionRow>(`SELECT ${COLUMNS} FROM transactions WHERE status = 'IN_PROGRESS'`);
    this.pendingReversalsStmt = db.prepare<[], TransactionRow>(`SELECT ${COLUMNS} FROM transactions WHERE reversal = 'PENDING'`);
    this.markVoidedStmt = db.prepare(`UPDATE transactions SET voided_by = ? WHERE uti = ? AND voided_by IS NULL`);
    this.markCompletedStmt = db.prepare(`UPDATE transactions SET completed_by = ? WHERE uti = ? AND completed_by IS NULL`);
    this.reopenPreauthStmt = db.prepare(`UPDATE transactions SET completed_by = NULL WHERE completed_by = ?`);
    this.unsettledStmt = db.prepare<[], UnsettledRow>(`
      SELECT trans_type AS transType, status, amount, voided_by IS NOT NULL AS voided, created_at AS createdAt,
        currency, tip_amount AS tipAmount, cashback_amount AS cashbackAmount, amount_authorised AS amountAuthorised
      FROM transactions WHERE batch_id IS NULL AND status <> 'IN_PROGRESS'`);
    this.oldestUnsettledStmt = db.prepare<[], { at: number | null }>(`SELECT min(created_at) AS at FROM transactions WHERE batch_id IS NULL AND status <> 'IN_PROGRESS'`);
    this.assignBatchStmt = db.prepare(`UPDATE transactions SET batch_id = ? WHERE batch_id IS NULL AND status <> 'IN_PROGRESS'`);
    this.countsStmt = db.prepare<[], { status: string; n: number }>(`SELECT status, count(*) AS n FROM transactions GROUP BY status`);
    this.newestStmt = db.prepare<[], number | null>(`SELECT max(created_at) FROM transactions`).pluck();
    this.markIncrementsVoidedStmt = db.prepare(`UPDATE transactions SET voided_by = ? WHERE original_uti = ? AND trans_type = 'INCREMENT' AND voided_by IS NULL`);
    // In progress counts: it may yet be approved. Declined, failed and voided ones do not.
    this.linkedStmt = db.prepare<[string, string], { uti: string; amount: number }>(
      `SELECT uti, coalesce(amount_authorised, amount) AS amount FROM transactions
       WHERE original_uti = ? AND trans_type = ? AND status IN ('APPROVED', 'IN_PROGRESS') AND voided_by IS NULL ORDER BY id`,
    );
  }

  /** The final transactions of the open batch. */
  unsettled(): UnsettledRow[] {
    return this.unsettledStmt.all();
  }

  oldestUnsettledAt(): number | null {
    return this.oldestUnsettledStmt.get()!.at;
  }

  /** Puts every final transaction of the open batch into the batch `batchId`. */
  assignBatch(batchId: number): void {
    this.assignBatchStmt.run(batchId);
  }

  countsByStatus(): Record<string, number> {
    return Object.fromEntries(this.countsStmt.all().map((r) => [r.status, r.n]));
  }

  /** Inserts the row and its metadata pairs; the caller's db transaction holds them together (ledger.ts). */
  insert(tx: NewTransaction): number {
    const { metadata, ...rest } = tx;
    const row = {
      maskedPan: null,
      entryMode: null,
      aid: null,
      appName: null,
      cvm: null,
      tipAmount: null,
      cashbackAmount: null,
      allowPartial: null,
      tipOptions: null,
      amountAuthorised: null,
      orderData: null,
      locale: null,
      cardBrand: null,
      ...rest,
    };
    const id = Number(this.insertStmt.run(row).lastInsertRowid);
    for (const [key, value] of Object.entries(metadata ?? {})) this.insertMetadataStmt.run(id, key, value, tx.createdAt);
    this.reseal(id);
    return id;
  }

  /** The transaction, once its seal shows it reads as it was written (DamagedRecord otherwise). */
  findByUti(uti: string): TransactionRow | undefined {
    const row = this.byUtiStmt.get(uti);
    if (!row) return undefined;
    const tx = row.uti === uti ? this.checked.check(row) : undefined;
    if (!tx) throw new DamagedRecord(`the record of transaction ${uti} does not read as it was written`);
    return tx;
  }

  /**
   * @NOTE Every write of a sealed field (seal.ts) goes through insert or update, which seal the row again
   * in the same SQLite transaction: a statement that wrote one elsewhere would read back as damaged.
   */
  private reseal(id: number): void {
    this.resealStmt.run(sealOf(this.byIdStmt.get(id)!), id);
  }

  /** When the newest transaction was created (ms), if there is one. */
  newestCreatedAt(): number | undefined {
    return this.newestStmt.get() ?? undefined;
  }

  inProgress(): TransactionRow[] {
    return this.inProgressStmt.all();
  }

  pendingReversals(): TransactionRow[] {
    return this.pendingReversalsStmt.all();
  }

  update(id: number, change: TransactionChange): void {
    const keys = Object.keys(change)
      .filter((k) => change[k as keyof TransactionChange] !== undefined)
      .sort();
    if (keys.length === 0) return;
    const sig = keys.join(',');
    let stmt = this.updateStmts.get(sig);
    if (!stmt) {
      stmt = this.db.prepare(`UPDATE transactions SET ${keys.map((k) => `${snake(k)} = @${k}`).join(', ')} WHERE id = @id`);
      this.updateStmts.set(sig, stmt);
    }
    stmt.run({ ...Object.fromEntries(keys.map((k) => [k, change[k as keyof TransactionChange]])), id });
    this.reseal(id);
  }

  markVoided(uti: string, byUti: string): void {
    this.markVoidedStmt.run(byUti, uti);
  }

  markCompleted(uti: string, byUti: string): void {
    this.markCompletedStmt.run(byUti, uti);
  }

  /** The sum of the linked REFUNDs (or INCREMENTs) of one original that count: approved or running, not voided. */
  linkedTotal(originalUti: string, transType: 'REFUND' | 'INCREMENT'): number {
    return this.linkedStmt.all(originalUti, transType).reduce((sum, r) => sum + r.amount, 0);
  }

  /** The linked REFUNDs of one original that count, in order: approved or running, not voided. */
  linkedRefunds(originalUti: string): { uti: string; amount: number }[] {
    return this.linkedStmt.all(originalUti, 'REFUND');
  }

  markIncrementsVoided(preauthUti: string, byUti: string): void {
    this.markIncrementsVoidedStmt.run(byUti, preauthUti);
  }

  /** A voided completion no longer completes its pre-authorisation. */
  reopenPreauthOf(completionUti: string): void {
    this.reopenPreauthStmt.run(completionUti);
  }
}

/**
 * The UTIs of the transactions whose record does not read as it was sealed, or that their UTI's index
 * does not find: `limit` rows at most, from the id `after` upwards, or (`after` negative) the newest `limit`.
 */
export function unsealedAfter(db: Db, after: number, limit: number): { damaged: string[]; last: number | undefined } {
  const newest = after < 0;
  const rows = db
    .prepare<[number, number], [number, ...(string | number | Buffer | null)[]]>(`SELECT id, ${SEALED_COLUMNS}, seal FROM transactions WHERE id > ? ORDER BY id ${newest ? 'DESC' : ''} LIMIT ?`)
    .raw()
    .all(after, limit);
  // A read by UTI goes through its index: a damaged key there reads as "no such transaction".
  const byIndex = db.prepare<[string], number>(`SELECT id FROM transactions INDEXED BY sqlite_autoindex_transactions_1 WHERE uti = ?`).pluck();
  // In SEALED's order after the id, then the seal; the UTI is the first sealed field.
  const damaged = rows.filter((r) => {
    const seal = r[r.length - 1];
    return !Buffer.isBuffer(seal) || !sealOfValues(r.slice(1, -1)).equals(seal) || byIndex.get(String(r[1])) !== r[0];
  });
  return { damaged: damaged.map((r) => String(r[1])), last: newest ? undefined : rows.at(-1)?.[0] };
}
