import type { ReceiptLine } from '../printer/printer';
import { formatAmount } from '../shared/money';
import { chargedTotal, requestedTotal } from './money';
import type { TransactionRow } from './transactions.repository';

/** The receipt's lines after AMOUNT for a tip, a cashback or a partial approval; none for a plain payment. */
export function moneyReceiptLines(tx: TransactionRow): ReceiptLine[] {
  const money = (n: number) => formatAmount(n, tx.currency);
  const lines: ReceiptLine[] = [];
  if (tx.tipAmount !== null) lines.push([`TIP: ${money(tx.tipAmount)}`, '3', 'L', 'N']);
  if (tx.cashbackAmount !== null) lines.push([`CASHBACK: ${money(tx.cashbackAmount)}`, '3', 'L', 'N']);
  if (tx.tipAmount !== null || tx.cashbackAmount !== null) lines.push([`TOTAL: ${money(requestedTotal(tx))}`, '4', 'L', 'B']);
  if (tx.amountAuthorised !== null && tx.status === 'APPROVED') {
    lines.push(['PARTIAL APPROVAL', '4', 'C', 'B'], [`AUTHORISED: ${money(chargedTotal(tx))}`, '4', 'L', 'B'], [`NOT PAID: ${money(requestedTotal(tx) - chargedTotal(tx))}`, '3', 'L', 'N']);
  }
  return lines;
}
