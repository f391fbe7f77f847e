import { displayFingerprint, type Batch, type FinalStatus, type ReceiptLine, type TransactionStatus, type TransactionSummary } from '../client';
import { formatAmount } from './amount';

export const RECEIPT_WIDTH = 40;

const bold = (text: string, tty: boolean) => (tty ? `\x1b[1m${text}\x1b[22m` : text);

/** A receipt as the printer would lay it out, on a 40-column roll; bold on a terminal. */
export function renderReceipt(lines: ReceiptLine[], tty = false): string {
  const rule = '-'.repeat(RECEIPT_WIDTH);
  const body = lines.map(([text, , align, style]) => {
    const t = text.length > RECEIPT_WIDTH ? text.slice(0, RECEIPT_WIDTH) : text;
    const pad = RECEIPT_WIDTH - t.length;
    const laid = align === 'R' ? ' '.repeat(pad) + t : align === 'C' ? ' '.repeat(Math.floor(pad / 2)) + t : t;
    return style === 'B' ? bold(laid, tty) : laid;
  });
  return [rule, ...body, rule].join('\n');
}

const reason = (s: { statusReason: string | null }) => (s.statusReason && s.statusReason !== 'APPROVED' ? ` (${s.statusReason.replace(/_/g, ' ').toLowerCase()})` : '');

/** One line that says what happened: "APPROVED  SALE EUR 12.50  auth 123456  card 47**…0010". */
export function outcomeLine(s: FinalStatus): string {
  const parts = [`${s.status}${reason(s)}`, `${s.transactionType} ${formatAmount(s.transAmount, s.currencyCode)}`.trim()];
  if (s.authCode) parts.push(`auth ${s.authCode}`);
  if (s.primaryAccountNumber) parts.push(`card ${s.primaryAccountNumber} (${s.transactionSource})`);
  return parts.join('  ');
}

export function renderStatus(s: TransactionStatus): string {
  if (s.status === 'IN_PROGRESS') return `IN_PROGRESS (${s.stage})  ${s.transactionType} ${formatAmount(s.transAmount)}\nUTI ${s.uti}`;
  const lines = [outcomeLine(s), `UTI ${s.uti}`];
  if (s.originalUti) lines.push(`original UTI ${s.originalUti}`);
  if (s.reference) lines.push(`reference ${s.reference}`);
  if (s.voidedBy) lines.push(`voided by ${s.voidedBy}`);
  if (s.completedBy) lines.push(`completed by ${s.completedBy}`);
  lines.push(`at ${s.transactionDate}`);
  return lines.join('\n');
}

export function renderList(rows: TransactionSummary[]): string {
  if (rows.length === 0) return 'No transactions.';
  return rows
    .map((r) =>
      [
        r.createdAt ?? '',
        r.uti.padEnd(32),
        r.transactionType.padEnd(10),
        formatAmount(r.transAmount).padStart(10),
        r.status === 'IN_PROGRESS' ? `IN_PROGRESS ${r.stage ?? ''}` : r.status,
        r.reference ?? '',
      ]
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function renderBatch(b: Batch): string {
  const t = b.totals;
  const money = (n: number) => formatAmount(n, t.currency);
  return [
    `Batch ${b.batchNumber} ${b.status}${b.closedAt ? ` at ${b.closedAt}` : ''} (opened ${b.openedAt})`,
    `  sales        ${String(t.sales.count).padStart(4)}  ${money(t.sales.amount)}`,
    `  refunds      ${String(t.refunds.count).padStart(4)}  ${money(t.refunds.amount)}`,
    `  pre-auths    ${String(t.preauths.count).padStart(4)}  ${money(t.preauths.amount)}`,
    `  completions  ${String(t.completions.count).padStart(4)}  ${money(t.completions.amount)}`,
    `  voided       ${String(t.voided.count).padStart(4)}  ${money(t.voided.amount)}`,
    `  declined     ${String(t.declined.count).padStart(4)}`,
    `  net                ${money(t.net)}`,
  ].join('\n');
}

/** The fingerprint on a line of its own, as the terminal's screen and its ready line show it. */
export function fingerprintBlock(fingerprint: string, indent = '  '): string {
  return `${indent}${displayFingerprint(fingerprint)}`;
}
