import type { TerminalIdentity } from '../identity/identity';
import { isLocale, messagesFor, translate, type Locale } from '../i18n';
import type { ReceiptLine } from '../printer/printer';
import { formatAmount } from '../shared/money';
import { decodeEmv } from './card-outcome';
import { receiptDateTime } from './java-date';
import { moneyReceiptLines } from './receipt-money';
import { RECEIPT_WIDTH, widthOf, wrapped } from './receipt-text';
import { decodeOrder, lineTotal, type LineItem } from './order';
import type { TransactionRow } from './transactions.repository';

export interface Receipts {
  merchant: ReceiptLine[];
  cardholder: ReceiptLine[];
}

const line = (text: string, size = '3', align: ReceiptLine[2] = 'L', style: ReceiptLine[3] = 'N'): ReceiptLine => [text, size, align, style];

/** The merchant copy's language (EPOSD_LOCALE), and the cardholder's: the transaction's `locale`, else the merchant's. */
export const merchantLocale = (identity: TerminalIdentity): Locale => identity.locale ?? 'en';
export const cardholderLocale = (tx: Pick<TransactionRow, 'locale'>, identity: TerminalIdentity): Locale => (tx.locale !== null && isLocale(tx.locale) ? tx.locale : merchantLocale(identity));

/** Both copies, in Paynt's line format; only for outcomes that reached the host (approved or declined). */
export function buildReceipts(tx: TransactionRow, identity: TerminalIdentity): Receipts | undefined {
  if (tx.status !== 'APPROVED' && tx.status !== 'DECLINED') return undefined;
  // Declined before the host (a linked refund with another card): nothing the host said to print.
  if (tx.status === 'DECLINED' && tx.responseCode === null) return undefined;
  return { merchant: receipt(tx, identity, 'merchant', merchantLocale(identity)), cardholder: receipt(tx, identity, 'cardholder', cardholderLocale(tx, identity)) };
}

/** The line marking a reprint, in the copy's language. */
export function duplicateLine(tx: TransactionRow, identity: TerminalIdentity, copy: 'merchant' | 'cardholder'): ReceiptLine {
  const locale = copy === 'merchant' ? merchantLocale(identity) : cardholderLocale(tx, identity);
  return line(`*** ${messagesFor(locale)('receipt.DUPLICATE').toUpperCase()} ***`, '4', 'C', 'B');
}

/** Text on the left, amount on the right, in RECEIPT_WIDTH when both fit. */
const columns = (left: string, right: string) => `${left} ${' '.repeat(Math.max(0, RECEIPT_WIDTH - widthOf(left) - 1 - right.length))}${right}`;

function itemLines(items: LineItem[], currency: string, tax: string): ReceiptLine[] {
  return items.flatMap((i) => {
    const amount = formatAmount(lineTotal(i), currency);
    // The name wraps under itself, left of the amount, which stays on the first line.
    const [first, ...rest] = wrapped(`${i.quantity} x `, i.name, RECEIPT_WIDTH - widthOf(amount) - 1);
    const lines = [line(columns(first!, amount)), ...rest.map((text) => line(text))];
    if (i.taxAmount !== undefined) lines.push(line(`  ${tax}: ${formatAmount(i.taxAmount, currency)}`, '2'));
    return lines;
  });
}

function receipt(tx: TransactionRow, identity: TerminalIdentity, copy: 'merchant' | 'cardholder', locale: Locale): ReceiptLine[] {
  const t = messagesFor(locale);
  const up = (text: string) => text.toUpperCase();
  const { date, time } = receiptDateTime(new Date(tx.createdAt));
  const reason = tx.statusReason ? up(translate(locale, `reason.${tx.statusReason}`, tx.statusReason.replace(/_/g, ' '))) : '';
  const outcome =
    tx.status === 'APPROVED'
      ? tx.authCode
        ? `${up(t('receipt.authorised'))} - ${tx.authCode}`
        : up(t('receipt.authorised'))
      : `${up(t('receipt.declined'))} - ${tx.responseCode ?? ''} ${reason}`.trim();
  const title = up(copy === 'merchant' ? t('receipt.MERCHANT_COPY') : t('receipt.CARDHOLDER_COPY'));
  const order = decodeOrder(tx.orderData);
  const emv = decodeEmv(tx.emv);
  const lines: ReceiptLine[] = [
    line(identity.merchantName, '5', 'C', 'B'),
    line(title, '5', 'C', 'B'),
    line(`MID: ${identity.mid}`),
    line(`TID: ${identity.tid}`),
    line(`SERIAL: ${identity.serialNumber}`),
    line(`${date} ${time}`),
    line(up(t(`title.${tx.transType}`)), '5', 'C', 'B'),
  ];
  if (order.description !== undefined && order.description.trim() !== '') lines.push(...wrapped(`${up(t('receipt.for'))}: `, order.description).map((text) => line(text)));
  if (order.lineItems !== undefined) lines.push(...itemLines(order.lineItems, tx.currency, up(t('receipt.tax'))));
  lines.push(line(`${up(t('receipt.amount'))}: ${formatAmount(tx.amount, tx.currency)}`, '4', 'L', 'B'), ...moneyReceiptLines(tx, (key) => up(t(key))));
  lines.push(line(outcome, '4', 'C', 'B'));
  if (tx.maskedPan) lines.push(line(`${up(t('receipt.card'))}: ${tx.maskedPan}`));
  if (tx.cvm) lines.push(line(up(translate(locale, `cvm.${tx.cvm}`, tx.cvm))));
  if (tx.appName) lines.push(line(`${tx.appName} ${tx.entryMode && tx.entryMode !== 'NONE' ? up(translate(locale, `entry.${tx.entryMode}`, '')) : ''}`.trim()));
  if (tx.aid) lines.push(line(`AID: ${tx.aid}`));
  if (emv) lines.push(line(`TVR: ${emv.tvr} TSI: ${emv.tsi}`), line(`${emv.cryptogramType}: ${emv.cryptogram}`));
  if (tx.originalUti) lines.push(...wrapped(`${up(t('receipt.original'))}: `, tx.originalUti).map((text) => line(text, '2')));
  lines.push(line(`${up(t('receipt.receiptNo'))}: ${String(tx.id).padStart(6, '0')}`), ...wrapped('UTI: ', tx.uti).map((text) => line(text, '2')));
  if (tx.cvm === 'SIGNATURE' && copy === 'merchant') lines.push(line(' '), line(`${up(t('receipt.signature'))}: ____________________`));
  lines.push(line(up(copy === 'cardholder' ? t('receipt.retain') : t('receipt.thankYou')), '3', 'C'), line(up(t('receipt.end')), '3', 'C'));
  return lines;
}
