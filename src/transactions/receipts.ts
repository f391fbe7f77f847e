import type { TerminalIdentity } from '../identity/identity';
import type { ReceiptLine } from '../printer/printer';
import { formatAmount } from '../shared/money';
import { receiptDateTime } from './java-date';
import { moneyReceiptLines } from './receipt-money';
import type { TransactionRow, TransactionsRepository } from './transactions.repository';

export interface Receipts {
  merchant: ReceiptLine[];
  cardholder: ReceiptLine[];
}

const TITLES: Record<TransactionRow['transType'], string> = {
  SALE: 'SALE',
  REFUND: 'REFUND',
  PREAUTH: 'PRE-AUTHORISATION',
  COMPLETION: 'COMPLETION',
  REVERSAL: 'VOID',
  INCREMENT: 'PRE-AUTH INCREMENT',
};

const ENTRY_MODES: Record<string, string> = { ICC: 'CHIP', PICC: 'CONTACTLESS', MAG: 'SWIPED', MANUAL: 'KEYED' };

const CVM_LINES: Record<string, string> = { PIN: 'PIN VERIFIED', NO_CVM: 'NO CARDHOLDER VERIFICATION', SIGNATURE: 'SIGNATURE VERIFIED' };

const line = (text: string, size = '3', align: ReceiptLine[2] = 'L', style: ReceiptLine[3] = 'N'): ReceiptLine => [text, size, align, style];

/** A committed transaction's masked PAN and receipts, read by its UTI: what printing and the screen's outcome need. */
export function finalDetailsOf(transactions: Pick<TransactionsRepository, 'findByUti'>, identity: TerminalIdentity) {
  return (uti: string): { maskedPan: string | null; receipts: Receipts | undefined } | undefined => {
    const tx = transactions.findByUti(uti);
    return tx && { maskedPan: tx.maskedPan, receipts: buildReceipts(tx, identity) };
  };
}

/** Both copies, in Paynt's line format; only for outcomes that reached the host (approved or declined). */
export function buildReceipts(tx: TransactionRow, identity: TerminalIdentity): Receipts | undefined {
  if (tx.status !== 'APPROVED' && tx.status !== 'DECLINED') return undefined;
  const copy = (title: string) => receipt(tx, identity, title);
  return { merchant: copy('MERCHANT COPY'), cardholder: copy('CARDHOLDER COPY') };
}

function receipt(tx: TransactionRow, identity: TerminalIdentity, copy: string): ReceiptLine[] {
  const { date, time } = receiptDateTime(new Date(tx.createdAt));
  const outcome = tx.status === 'APPROVED' ? (tx.authCode ? `AUTHORISED - ${tx.authCode}` : 'AUTHORISED') : `DECLINED - ${tx.responseCode ?? ''} ${(tx.statusReason ?? '').replace(/_/g, ' ')}`.trim();
  const lines: ReceiptLine[] = [
    line(identity.merchantName, '5', 'C', 'B'),
    line(copy, '5', 'C', 'B'),
    line(`MID: ${identity.mid}`),
    line(`TID: ${identity.tid}`),
    line(`SERIAL: ${identity.serialNumber}`),
    line(`${date} ${time}`),
    line(TITLES[tx.transType], '5', 'C', 'B'),
  ];
  lines.push(line(`AMOUNT: ${formatAmount(tx.amount, tx.currency)}`, '4', 'L', 'B'), ...moneyReceiptLines(tx));
  lines.push(line(outcome, '4', 'C', 'B'));
  if (tx.maskedPan) lines.push(line(`CARD: ${tx.maskedPan}`));
  if (tx.cvm) lines.push(line(CVM_LINES[tx.cvm] ?? tx.cvm));
  if (tx.appName) lines.push(line(`${tx.appName} ${ENTRY_MODES[tx.entryMode ?? ''] ?? ''}`.trim()));
  if (tx.aid) lines.push(line(`AID: ${tx.aid}`));
  if (tx.originalUti) lines.push(line(`ORIGINAL: ${tx.originalUti}`, '2'));
  lines.push(line(`RECEIPT NO: ${String(tx.id).padStart(6, '0')}`), line(`UTI: ${tx.uti}`, '2'));
  if (tx.cvm === 'SIGNATURE' && copy === 'MERCHANT COPY') lines.push(line(' '), line('SIGNATURE: ____________________'));
  lines.push(line(copy === 'CARDHOLDER COPY' ? 'PLEASE RETAIN FOR YOUR RECORDS' : 'THANK YOU', '3', 'C'), line('*** END OF RECEIPT ***', '3', 'C'));
  return lines;
}
