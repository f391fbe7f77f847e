import { isLocale } from '../i18n';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { judgeAnswer, type Asked, type Refusal, type Said } from './answer-rule';
import type { TransitionEvent } from './engine';
import type { Ledger } from './ledger';
import { chargedTotal } from './money';
import { decodeOrder } from './order';
import type { ActiveTransaction, Outcome } from './states';
import type { TransactionChange, TransactionRow, TransactionsRepository } from './transactions.repository';

/**
 * At start-up, before the API listens: no transaction stays IN_PROGRESS (SPEC §4).
 * One that never reached the host ends FAILED / TERMINAL_RESTARTED. One that was at the host with no
 * answer recorded ends the same way and is marked for a reversal, which the host is sent next.
 * An outcome that was committed (approved, declined…) is final already and is not touched.
 */
export function recoverInterrupted(deps: { transactions: TransactionsRepository; ledger: Ledger; clock: Clock; logger: Logger }): number {
  const interrupted = deps.transactions.inProgress();
  for (const tx of interrupted) {
    const atHost = tx.stage === 'AUTHORIZING';
    const now = deps.clock.now().getTime();
    deps.ledger.advance(
      tx,
      tx.stage ?? 'IDLE',
      'IDLE',
      { status: 'FAILED', statusReason: 'TERMINAL_RESTARTED', stage: null, completedAt: now, reversal: atHost ? 'PENDING' : undefined },
      now,
      'TERMINAL_RESTARTED',
    );
    deps.logger.warn({ uti: tx.uti, stage: tx.stage, reversal: atHost }, 'transaction interrupted by a restart ended FAILED');
  }
  return interrupted.length;
}

/**
 * With a payment app that can be asked (the bridge driver), a transaction a restart left IN_PROGRESS
 * is reconciled before it is failed (src/bridge/reconcile.ts asks; this records). What it ends with is
 * an outcome like any other: committed, then told to the POS waiting for it, the event stream, the
 * webhooks and the screen (`announce`), and reversed when it says so.
 */
export interface OrphanDeps {
  transactions: TransactionsRepository;
  ledger: Ledger;
  clock: Clock;
  logger: Logger;
  /** The payment the engine itself follows: not an orphan. */
  busyWith(): string | undefined;
  reverseLater(): void;
  announce(e: TransitionEvent): void;
  refused(uti: string, refusal: Refusal): void;
}

export const orphans = (deps: Pick<OrphanDeps, 'transactions' | 'busyWith'>) => deps.transactions.inProgress().filter((tx) => tx.uti !== deps.busyWith());

/** What an orphan asked the card for: a void gives back what its original charged. */
export const askedOf = (row: TransactionRow): Asked => ({ uti: row.uti, total: chargedTotal(row), allowPartial: row.allowPartial === 1 });

/** The row as the engine's listeners know a payment (the screen shows its amount and order). */
function activeOf(row: TransactionRow): ActiveTransaction {
  const { lineItems } = decodeOrder(row.orderData);
  return {
    id: row.id,
    uti: row.uti,
    transType: row.transType,
    amount: row.amount,
    currency: row.currency,
    originalUti: row.originalUti,
    registerId: row.registerId,
    disablePrinting: row.disablePrinting === 1,
    originalAuthCode: null,
    tipAmount: row.tipAmount,
    cashbackAmount: row.cashbackAmount,
    allowPartial: row.allowPartial === 1,
    ...(row.locale !== null && isLocale(row.locale) ? { locale: row.locale } : {}),
    ...(lineItems ? { lineItems } : {}),
  };
}

/** Ends an orphan with `outcome` (and what the app said of the card). False: it is no longer in progress. */
export function endOrphan(deps: OrphanDeps, uti: string, outcome: Outcome, detail: string, card: TransactionChange = {}): boolean {
  const row = deps.transactions.findByUti(uti);
  if (!row || row.status !== 'IN_PROGRESS' || row.uti === deps.busyWith()) return false;
  const now = deps.clock.now().getTime();
  const from = row.stage ?? 'IDLE';
  const change: TransactionChange = {
    ...card,
    status: outcome.status,
    statusReason: outcome.statusReason,
    responseCode: outcome.responseCode ?? null,
    authCode: outcome.authCode ?? null,
    amountAuthorised: outcome.amountAuthorised,
    reversal: outcome.reversal,
    stage: null,
    completedAt: now,
  };
  const eventId = deps.ledger.advance(row, from, 'IDLE', change, now, detail);
  deps.logger.warn({ uti, stage: row.stage, status: outcome.status, statusReason: outcome.statusReason, reversal: outcome.reversal }, 'interrupted transaction reconciled with the payment app');
  deps.announce({ eventId, uti, tx: activeOf(row), card: null, from, to: 'IDLE', stage: null, outcome });
  if (outcome.reversal) deps.reverseLater();
  return true;
}

/** The app's result for an orphan, judged as every answer is (answer-rule.ts), then recorded. */
export function recordAnswer(deps: OrphanDeps, said: Said, card: TransactionChange): 'RECORDED' | 'REFUSED' | 'NOT_OPEN' {
  const row = deps.transactions.findByUti(said.uti);
  if (!row || row.status !== 'IN_PROGRESS' || row.uti === deps.busyWith()) return 'NOT_OPEN';
  const original = row.transType === 'REFUND' && row.originalUti ? deps.transactions.findByUti(row.originalUti) : undefined;
  const verdict = judgeAnswer({ ...askedOf(row), originalCardId: original?.cardId ?? null }, said);
  if (verdict.refusal) deps.refused(said.uti, verdict.refusal);
  if (!('outcome' in verdict)) return 'REFUSED';
  const reached = verdict.outcome.status === 'APPROVED' || verdict.outcome.status === 'DECLINED';
  return endOrphan(deps, said.uti, verdict.outcome, 'RECONCILED', reached ? card : {}) ? 'RECORDED' : 'NOT_OPEN';
}
