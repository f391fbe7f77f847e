import { createHash } from 'node:crypto';
import { ApiError, ValidationError } from '../shared/errors';
import type { TerminalIdentity } from '../identity/identity';
import type { Clock } from '../shared/clock';
import type { IdGenerator } from '../shared/ids';
import type { PaymentEngine } from './engine';
import type { PrintQueue } from '../printer/print-queue';
import { toReceiptLines, type PrintLines } from '../printer/custom-print';
import { buildReceipts, duplicateLine, type Receipts } from './receipts';
import { checkCompletion, checkIncrement, checkReversal } from './rules';
import { moneyShapeErrors, preauthCap, type Money } from './money';
import { maxTip, tipChoices } from './tips';
import { giveBackCheck, refundable } from './give-back';
import { needsCard } from './model';
import { checkLineItems, encodeOrder } from './order';
import { finalBody, inProgressBody, summaryBody } from './status';
import type { SearchFilters, TransactionSearch } from './search';
import type { Acknowledgement, TransactionRequest } from './transactions.schemas';
import type { TransactionRow, TransactionsRepository } from './transactions.repository';

interface Deps {
  transactions: TransactionsRepository;
  /** The print queue's line for the jobs a POS asks for (bounded: PRINT_QUEUE_FULL). */
  printer: Pick<PrintQueue, 'printForPos'>;
  engine: PaymentEngine;
  identity: TerminalIdentity;
  clock: Clock;
  ids: IdGenerator;
  search: TransactionSearch;
  /** Whether a register may void another register's transaction (EPOSD_VOID_ANY_REGISTER). */
  voidAnyRegister: boolean;
  /** Throws STORAGE_CORRUPT while the database is damaged. */
  storage: { assertWritable(): void; assertComplete?(): void };
  /** EPOSD_DRIVER=bridge: throws PAYMENT_APP_UNAVAILABLE (503) while no payment app can take a payment. */
  paymentApp?: { assertAvailable(): void };
  /** Currencies, tips, cashback, linked refunds (money.ts). */
  money: Money;
  /** Throws 409 TERMINAL_BUSY while something else has the screen (a POS's prompt). */
  screenBusy?: () => void;
}

export type StatusAnswer = { final: false; body: ReturnType<typeof inProgressBody> } | { final: true; body: ReturnType<typeof finalBody> };

const MONEY_FIELDS = ['currency', 'tipAmount', 'tipOnTerminal', 'tipPercentages', 'cashbackAmount', 'originalUti', 'allowPartialApproval'] as const;
const ORDER_FIELDS = ['description', 'metadata', 'lineItems', 'locale'] as const;
/** What a retry with the same UTI must repeat to be a replay (docs/payments.md), besides the register. */
export const REPLAY_FIELDS = ['transType', 'amountTrans', 'reference', ...MONEY_FIELDS, ...ORDER_FIELDS] as const;

/**
 * A Paynt request hashes as it always did (a replay across an upgrade is still a replay); payment
 * breadth's fields join it when sent.
 */
const requestHash = (r: TransactionRequest) => {
  const money = MONEY_FIELDS.filter((k) => r[k] !== undefined).map((k) => [k, r[k]]);
  const order = ORDER_FIELDS.some((k) => r[k] !== undefined) ? [r.description ?? null, r.metadata ?? null, r.lineItems ?? null, r.locale ?? null] : [];
  const base = [r.transType, r.amountTrans ?? null, r.reference ?? null];
  return createHash('sha256')
    .update(JSON.stringify(money.length > 0 || order.length > 0 ? [...base, money, ...order] : base))
    .digest()
    .subarray(0, 16);
};

const ack = (tx: Pick<TransactionRow, 'transType' | 'amount' | 'uti'>): Acknowledgement =>
  tx.transType === 'REVERSAL' ? { transType: tx.transType, uti: tx.uti } : { transType: tx.transType, amountTrans: tx.amount, uti: tx.uti };

/** Which fields each type needs; the schema has already checked each field's form. */
function checkShape(r: TransactionRequest): void {
  const errors = [];
  if (r.transType !== 'REVERSAL' && r.amountTrans === undefined) errors.push({ field: 'amountTrans', message: `is required for ${r.transType}` });
  if (r.transType === 'REVERSAL' && r.amountTrans !== undefined) errors.push({ field: 'amountTrans', message: 'must not be sent for a REVERSAL: the whole transaction is voided' });
  if (!needsCard(r.transType) && r.transType !== 'INCREMENT' && r.uti === undefined) errors.push({ field: 'uti', message: `is required for ${r.transType}: the UTI of the original transaction` });
  errors.push(...moneyShapeErrors(r));
  if (errors.length > 0) throw new ValidationError(errors);
}

/** How many statuses are kept for reuse: the transactions POS are reading now. */
const REMEMBERED_ANSWERS = 64;

function sameRow(a: TransactionRow, b: TransactionRow): boolean {
  for (const key in a) {
    const x = a[key as keyof TransactionRow];
    const y = b[key as keyof TransactionRow];
    if (x !== y && !(Buffer.isBuffer(x) && Buffer.isBuffer(y) && x.equals(y))) return false;
  }
  return true;
}

export class TransactionService {
  private readonly answers = new Map<string, { row: TransactionRow; answer: StatusAnswer }>();

  constructor(private readonly deps: Deps) {}

  /**
   * Starts a transaction and answers its acknowledgement once it is committed (or replays it). The
   * engine acts on the payment (prompts, reader) only after this returns: the POS's answer goes first.
   * @NOTE Everything from the checks to the commit runs synchronously: no other request can slip in
   * between the busy check and the insert. Replays come before the busy check, so a retry of the
   * payment in progress is answered as a replay.
   */
  start(r: TransactionRequest, registerId: string, disablePrinting: boolean): Acknowledgement {
    checkShape(r);
    if (r.amountTrans !== undefined) checkLineItems(r.lineItems, r.amountTrans);
    const { transactions, engine, clock, ids } = this.deps;
    // An INCREMENT names its pre-authorisation in originalUti: its own uti, like a SALE's, makes a retry safe.
    const clientUti = needsCard(r.transType) || r.transType === 'INCREMENT' ? r.uti : undefined;
    const hash = clientUti ? requestHash(r) : null;
    if (clientUti && hash) {
      const existing = transactions.findByUti(clientUti);
      if (existing?.requestHash && existing.requestHash.equals(hash) && existing.registerId === registerId) {
        return ack(existing);
      }
      if (existing) throw new ApiError('UTI_CONFLICT', 'This UTI was already used for a different transaction. Use a new UTI for a new payment.', { uti: clientUti });
    }
    // Replays above are answers already given; a new payment is never written into a damaged file.
    this.deps.storage.assertWritable();
    this.deps.paymentApp?.assertAvailable();
    const busy = engine.current;
    if (busy.name !== 'IDLE') {
      // During PRINTING the outcome is already final: `stage` says so, so the POS knows it need not wait for it.
      throw new ApiError('TERMINAL_BUSY', 'Another transaction is in progress on this terminal.', { uti: busy.tx.uti, stage: busy.name });
    }
    this.deps.screenBusy?.();

    const originalUti = needsCard(r.transType) ? undefined : r.transType === 'INCREMENT' ? r.originalUti! : r.uti!;
    const original = originalUti === undefined ? undefined : transactions.findByUti(originalUti);
    if (originalUti !== undefined) {
      if (!original) throw new ApiError('ORIGINAL_NOT_FOUND', 'No transaction with that UTI exists on this terminal.', { uti: originalUti });
      if (r.transType === 'COMPLETION') checkCompletion(original, r.amountTrans! + (r.tipAmount ?? 0), preauthCap(original, transactions));
      else if (r.transType === 'INCREMENT') checkIncrement(original, r.amountTrans!, preauthCap(original, transactions));
      else checkReversal(original, registerId, this.deps.voidAnyRegister);
    }
    const money = this.deps.money.terms(r, original);
    // What is given back from a sale: a linked refund, or a void. Checked now, and again in the insert's SQLite transaction.
    const givenFrom = money.linked ?? (r.transType === 'REVERSAL' && original && refundable(original) ? original : undefined);
    const check = givenFrom && giveBackCheck(givenFrom, transactions, r.transType === 'REFUND' ? { transType: 'REFUND', amount: r.amountTrans! } : { transType: 'REVERSAL' });
    check?.();
    const extras = { tipAmount: money.tipAmount, cashbackAmount: money.cashbackAmount, allowPartial: money.allowPartial, tipOptions: money.tipOptions };
    // A void takes back all the original charged: it carries the original's tip, cashback and partial amount.
    const voids = r.transType === 'REVERSAL' && original ? { tipAmount: original.tipAmount, cashbackAmount: original.cashbackAmount, amountAuthorised: original.amountAuthorised } : {};
    const uti = clientUti ?? ids.uti();
    const amount = r.transType === 'REVERSAL' ? original!.amount : r.amountTrans!;
    if (r.transType === 'REVERSAL') checkLineItems(r.lineItems, amount);
    const card =
      original && r.transType !== 'INCREMENT'
        ? { maskedPan: original.maskedPan, entryMode: original.entryMode, aid: original.aid, appName: original.appName, cvm: original.cvm, cardBrand: original.cardBrand }
        : {};
    const order = { orderData: encodeOrder(r), locale: r.locale ?? null, ...(r.metadata ? { metadata: r.metadata } : {}) };
    const answer = ack({ transType: r.transType, amount, uti });
    engine.begin(
      {
        uti,
        transType: r.transType,
        amount,
        currency: money.currency,
        reference: r.reference ?? null,
        originalUti: original?.uti ?? money.linked?.uti ?? null,
        registerId,
        requestHash: hash,
        disablePrinting: disablePrinting ? 1 : 0,
        createdAt: clock.now().getTime(),
        ...card,
        ...extras,
        ...voids,
        amountAuthorised: r.transType === 'REVERSAL' ? (original?.amountAuthorised ?? null) : null,
        allowPartial: money.allowPartial ? 1 : null,
        tipOptions: money.tipOptions && JSON.stringify(money.tipOptions),
        ...order,
      },
      {
        uti,
        transType: r.transType,
        amount,
        currency: money.currency,
        originalUti: original?.uti ?? money.linked?.uti ?? null,
        registerId,
        disablePrinting,
        originalAuthCode: original?.authCode ?? null,
        originalCardId: money.linked?.cardId ?? null,
        ...extras,
        ...(r.locale ? { locale: r.locale } : {}),
        ...(r.lineItems ? { lineItems: r.lineItems } : {}),
        ...voids,
      },
      check,
    );
    return answer;
  }

  /**
   * A transaction's status: 202's body while it runs, 200's once final.
   * @NOTE A POS (or several) reads the same transaction again and again while it runs and after. The
   * answer is a function of its row alone: it is kept, and the same object given again while the row
   * read now is the same, field by field, so that shaping it (and serializing it, http/serve.ts) is
   * done once per change rather than once per read (docs/performance.md).
   */
  status(uti: string): StatusAnswer | undefined {
    const tx = this.deps.transactions.findByUti(uti);
    // While the database is damaged, missing or stuck in progress may be what was lost (StorageHealth).
    if (!tx || (tx.status === 'IN_PROGRESS' && this.busyWith() !== uti)) this.deps.storage.assertComplete?.();
    if (!tx) return undefined;
    const kept = this.answers.get(uti);
    if (kept && sameRow(kept.row, tx)) return kept.answer;
    const answer: StatusAnswer = tx.status === 'IN_PROGRESS' ? { final: false, body: inProgressBody(tx) } : { final: true, body: finalBody(tx, this.deps.identity) };
    this.answers.delete(uti);
    if (this.answers.size >= REMEMBERED_ANSWERS) this.answers.delete(this.answers.keys().next().value!);
    this.answers.set(uti, { row: tx, answer });
    return answer;
  }

  /**
   * A final transaction's masked PAN and receipts (undefined: none, it did not reach the host), for the
   * screen and the printer, from its status answer: the receipts of an outcome are built once, whoever
   * asks first (the POS waiting for it, the screen, the printer).
   */
  finalDetails(uti: string): { maskedPan: string | null; receipts: Receipts | undefined } | undefined {
    const answer = this.status(uti);
    if (!answer?.final) return undefined;
    const { primaryAccountNumber, merchantReceipt, cardholderReceipt } = answer.body;
    return { maskedPan: primaryAccountNumber, receipts: cardholderReceipt.length > 0 ? { merchant: merchantReceipt, cardholder: cardholderReceipt } : undefined };
  }

  /** The UTI of the payment the terminal is busy with, if any. */
  busyWith(): string | undefined {
    const s = this.deps.engine.current;
    return s.name === 'IDLE' ? undefined : s.tx.uti;
  }

  /**
   * Cancels the payment while the terminal waits for a card or a PIN: the POS that started it (by its
   * UTI), or the customer at the terminal (the payment on the screen). Once the host has it, it can no
   * longer be cancelled.
   */
  cancel(by: { uti: string; registerId: string } | 'screen'): StatusAnswer {
    const uti = by === 'screen' ? this.busyWith() : by.uti;
    if (uti === undefined) throw new ApiError('ACTION_NOT_POSSIBLE', 'There is nothing to cancel now.');
    const tx = this.deps.transactions.findByUti(uti);
    if (!tx) throw new ApiError('NOT_FOUND', 'No transaction with that UTI exists on this terminal.', { uti });
    if (by !== 'screen' && tx.registerId !== by.registerId) throw new ApiError('FORBIDDEN', 'Only the register that started a payment can cancel it.');
    if (tx.status !== 'IN_PROGRESS') throw new ApiError('CANNOT_CANCEL', `The transaction is already final: ${tx.status}.`, { uti, transactionStatus: tx.status });
    const result = this.deps.engine.cancel(tx.uti, by === 'screen' ? 'CUSTOMER_CANCELLED' : 'POS_CANCELLED');
    if (result === 'NOT_COMMITTED') throw new ApiError('STORAGE_UNAVAILABLE', 'The terminal could not record the cancellation yet; it keeps trying. Read the status.', { uti });
    if (result !== 'CANCELLED') throw new ApiError('CANNOT_CANCEL', 'The payment is with the host now; wait for its outcome, then void it if needed.', { uti });
    return this.status(tx.uti)!;
  }

  /**
   * The cardholder's tip, chosen on the terminal's screen while it asks (AWAITING_TIP): one of the
   * percentages offered, an amount of their own (at most the amount itself), or none (amount 0).
   */
  chooseTip(choice: { percent?: number; amount?: number }): StatusAnswer {
    const s = this.deps.engine.current;
    if (s.name !== 'AWAITING_TIP') throw new ApiError('ACTION_NOT_POSSIBLE', 'The terminal is not asking for a tip.');
    const { tx } = s;
    if ((choice.percent === undefined) === (choice.amount === undefined)) throw new ApiError('VALIDATION_FAILED', 'Choose either a percentage or an amount (0 for no tip).');
    // Only what the screen offered: a percentage whose tip would take the total past MAX_TOTAL is not.
    const offered = tipChoices(tx.amount, tx.tipOptions ?? [], tx.cashbackAmount);
    const chosen = offered.find((c) => c.percent === choice.percent);
    if (choice.percent !== undefined && !chosen) throw new ApiError('VALIDATION_FAILED', `The tips offered are ${offered.map((c) => c.percent).join(', ') || 'none'} percent.`);
    const most = maxTip(tx.amount, tx.cashbackAmount);
    if (choice.amount !== undefined && choice.amount > most) throw new ApiError('VALIDATION_FAILED', `A tip may be at most ${most} minor units: the amount itself, within the total's bound.`);
    const tip = choice.amount ?? chosen!.amount;
    if (!this.deps.engine.chooseTip(tx.uti, tip)) throw new ApiError('STORAGE_UNAVAILABLE', 'The terminal could not record the tip yet; it keeps trying.', { uti: tx.uti });
    return this.status(tx.uti)!;
  }

  /** A page of transactions, newest first, without their receipts (GET /transaction has them). */
  find(filters: SearchFilters) {
    const { rows, nextCursor } = this.deps.search.find(filters);
    const transactions = rows.map((tx) => {
      const summary = summaryBody(tx, this.deps.identity);
      return tx.status === 'IN_PROGRESS' ? { ...summary, transApproved: undefined, stage: tx.stage } : summary;
    });
    return { transactions, nextCursor };
  }

  /** Prints the POS's own lines; not while a payment's receipts are printing (they would come out between them). */
  async printLines(lines: PrintLines): Promise<void> {
    const s = this.deps.engine.current;
    if (s.name === 'PRINTING') throw new ApiError('TERMINAL_BUSY', 'A payment is printing its receipts; print again once it is done.', { uti: s.tx.uti, stage: s.name });
    await this.deps.printer.printForPos(toReceiptLines(lines), `custom print of ${lines.length} lines`);
  }

  /** Prints a copy of a receipt again, marked as a duplicate. */
  async reprint(uti: string, copy: 'cardholder' | 'merchant'): Promise<void> {
    const tx = this.deps.transactions.findByUti(uti);
    if (!tx) throw new ApiError('NOT_FOUND', 'No transaction with that UTI exists on this terminal.', { uti });
    const receipts = buildReceipts(tx, this.deps.identity);
    if (!receipts) throw new ApiError('NOTHING_TO_PRINT', tx.status === 'IN_PROGRESS' ? 'The transaction is still in progress.' : `A ${tx.status} transaction has no receipt.`, { uti });
    const lines = [...receipts[copy]];
    lines.splice(2, 0, duplicateLine(tx, this.deps.identity, copy));
    await this.deps.printer.printForPos(lines, `${copy} copy ${uti} (duplicate)`);
  }
}
