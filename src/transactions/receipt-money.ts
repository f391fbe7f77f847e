import type { MessageKey } from '../i18n';
import type { ReceiptLine } from '../printer/printer';
import { formatAmount } from '../shared/money';
import { chargedTotal, requestedTotal } from './money';
import type { TransactionRow } from './transactions.repository';

/**
 * The receipt's lines after AMOUNT for a tip, a cashback or a partial approval, with the copy's words
 * (`t`: the copy's catalogue, as printed); none for a plain payment.
 */
export function moneyReceiptLines(tx: TransactionRow, t: (key: MessageKey) => string): ReceiptLine[] {
  const money = (n: number) => formatAmount(n, tx.currency);
  const lines: ReceiptLine[] = [];
  if (tx.tipAmount !== null) lines.push([`${t('receipt.tip')}: ${money(tx.tipAmount)}`, '3', 'L', 'N']);
  if (tx.cashbackAmount !== null) lines.push([`${t('receipt.cashback')}: ${money(tx.cashbackAmount)}`, '3', 'L', 'N']);
  if (tx.tipAmount !== null || tx.cashbackAmount !== null) lines.push([`${t('receipt.total')}: ${money(requestedTotal(tx))}`, '4', 'L', 'B']);
  if (tx.amountAuthorised !== null && tx.status === 'APPROVED') {
    lines.push(
      [t('receipt.partialApproval'), '4', 'C', 'B'],
      [`${t('receipt.authorisedAmount')}: ${money(chargedTotal(tx))}`, '4', 'L', 'B'],
      [`${t('receipt.notPaid')}: ${money(requestedTotal(tx) - chargedTotal(tx))}`, '3', 'L', 'N'],
    );
  }
  return lines;
}
