import type { TerminalIdentity } from '../identity/identity';
import type { Receipts } from './receipts';
import { finalBody, inProgressBody } from './status';
import { sameRow } from './checked-rows';
import type { TransactionRow, TransactionsRepository } from './transactions.repository';

export type StatusAnswer = { final: false; body: ReturnType<typeof inProgressBody> } | { final: true; body: ReturnType<typeof finalBody> };

/** How many statuses are kept for reuse: the transactions POS are reading now. */
const REMEMBERED_ANSWERS = 64;

/**
 * A transaction's status answer, from its row alone: 202's body while it runs, 200's once final.
 * @NOTE A POS (or several) reads the same transaction again and again while it runs and after. The
 * answer is kept, and the same object given again while the row read now is the same, field by field,
 * so that shaping it (and serializing it, http/answer.ts) is done once per change rather than once per
 * read (docs/performance.md). The engine, the screen and the POS all read it here: the receipts of an
 * outcome are built once, whoever asks first.
 */
export class StatusAnswers {
  private readonly kept = new Map<string, { row: TransactionRow; answer: StatusAnswer }>();

  constructor(
    private readonly transactions: Pick<TransactionsRepository, 'findByUti'>,
    private readonly identity: TerminalIdentity,
  ) {}

  /** The answer for a row already read. */
  of(tx: TransactionRow): StatusAnswer {
    const kept = this.kept.get(tx.uti);
    if (kept && (kept.row === tx || sameRow(kept.row, tx))) return kept.answer;
    const answer: StatusAnswer = tx.status === 'IN_PROGRESS' ? { final: false, body: inProgressBody(tx) } : { final: true, body: finalBody(tx, this.identity) };
    this.kept.delete(tx.uti);
    if (this.kept.size >= REMEMBERED_ANSWERS) this.kept.delete(this.kept.keys().next().value!);
    this.kept.set(tx.uti, { row: tx, answer });
    return answer;
  }

  /** A final transaction's masked PAN and receipts (undefined: none, it did not reach the host), for the screen and the printer. */
  finalDetails(uti: string): { maskedPan: string | null; receipts: Receipts | undefined } | undefined {
    const tx = this.transactions.findByUti(uti);
    const answer = tx && this.of(tx);
    if (!answer?.final) return undefined;
    const { primaryAccountNumber, merchantReceipt, cardholderReceipt } = answer.body;
    return { maskedPan: primaryAccountNumber, receipts: cardholderReceipt.length > 0 ? { merchant: merchantReceipt, cardholder: cardholderReceipt } : undefined };
  }
}
