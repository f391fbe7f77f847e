import type { Db } from '../db/open';
import type { Stage, Status, TransType } from './states';

export interface TransactionRow {
  id: number;
  uti: string;
  transType: TransType;
  amount: number | null;
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
}

export type NewTransaction = Pick<
  TransactionRow,
  'uti' | 'transType' | 'amount' | 'currency' | 'reference' | 'originalUti' | 'registerId' | 'requestHash' | 'disablePrinting' | 'stage' | 'createdAt'
> &
  Partial<Pick<TransactionRow, 'maskedPan' | 'entryMode' | 'aid' | 'appName' | 'cvm'>>;

/** The columns a transition may change. */
export type TransactionChange = Partial<
  Pick<TransactionRow, 'status' | 'stage' | 'statusReason' | 'responseCode' | 'authCode' | 'maskedPan' | 'entryMode' | 'aid' | 'appName' | 'cvm' | 'completedAt' | 'reversal'>
>;

const COLUMNS = `id, uti, trans_type AS transType, amount, currency, reference, original_uti AS originalUti,
  register_id AS registerId, request_hash AS requestHash, disable_printing AS disablePrinting, status, stage,
  status_reason AS statusReason, response_code AS responseCode, auth_code AS authCode, masked_pan AS maskedPan,
  entry_mode AS entryMode, aid, app_name AS appName, cvm, voided_by AS voidedBy, completed_by AS completedBy,
  reversal, batch_id AS batchId, created_at AS createdAt, completed_at AS completedAt`;

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export class TransactionsRepository {
  private readonly insertStmt;
  private readonly byUtiStmt;
  private readonly inProgressStmt;
  private readonly pendingReversalsStmt;
  private readonly markVoidedStmt;
  private readonly markCompletedStmt;
  private readonly reopenPreauthStmt;
  private readonly newestStmt;
  private readonly updateStmts = new Map<string, ReturnType<Db['prepare']>>();

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(`
      INSERT INTO transactions (uti, trans_type, amount, currency, reference, original_uti, register_id, request_hash,
        disable_printing, status, stage, masked_pan, entry_mode, aid, app_name, cvm, created_at)
      VALUES (@uti, @transType, @amount, @currency, @reference, @originalUti, @registerId, @requestHash,
        @disablePrinting, 'IN_PROGRESS', @stage, @maskedPan, @entryMode, @aid, @appName, @cvm, @createdAt)`);
    this.byUtiStmt = db.prepare<[string], TransactionRow>(`SELECT ${COLUMNS} FROM transactions WHERE uti = ?`);
    this.inProgressStmt = db.prepare<[], TransactionRow>(`SELECT ${COLUMNS} FROM transactions WHERE status = 'IN_PROGRESS'`);
    this.pendingReversalsStmt = db.prepare<[], TransactionRow>(`SELECT ${COLUMNS} FROM transactions WHERE reversal = 'PENDING'`);
    this.markVoidedStmt = db.prepare(`UPDATE transactions SET voided_by = ? WHERE uti = ? AND voided_by IS NULL`);
    this.markCompletedStmt = db.prepare(`UPDATE transactions SET completed_by = ? WHERE uti = ? AND completed_by IS NULL`);
    this.reopenPreauthStmt = db.prepare(`UPDATE transactions SET completed_by = NULL WHERE completed_by = ?`);
    this.newestStmt = db.prepare<[], number | null>(`SELECT max(created_at) FROM transactions`).pluck();
  }

  insert(tx: NewTransaction): number {
    const row = { maskedPan: null, entryMode: null, aid: null, appName: null, cvm: null, ...tx };
    return Number(this.insertStmt.run(row).lastInsertRowid);
  }

  findByUti(uti: string): TransactionRow | undefined {
    return this.byUtiStmt.get(uti);
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
    const keys = Object.keys(change).filter((k) => change[k as keyof TransactionChange] !== undefined).sort();
    if (keys.length === 0) return;
    const sig = keys.join(',');
    let stmt = this.updateStmts.get(sig);
    if (!stmt) {
      stmt = this.db.prepare(`UPDATE transactions SET ${keys.map((k) => `${snake(k)} = @${k}`).join(', ')} WHERE id = @id`);
      this.updateStmts.set(sig, stmt);
    }
    stmt.run({ ...Object.fromEntries(keys.map((k) => [k, change[k as keyof TransactionChange]])), id });
  }

  markVoided(uti: string, byUti: string): void {
    this.markVoidedStmt.run(byUti, uti);
  }

  markCompleted(uti: string, byUti: string): void {
    this.markCompletedStmt.run(byUti, uti);
  }

  /** A voided completion no longer completes its pre-authorisation. */
  reopenPreauthOf(completionUti: string): void {
    this.reopenPreauthStmt.run(completionUti);
  }
}
