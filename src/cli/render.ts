import { displayFingerprint, type Batch, type FinalStatus, type ReceiptLine, type TransactionStatus, type TransactionSummary } from '../client';
import { formatAmount } from './amount';
import { printable } from './output';

export const RECEIPT_WIDTH = 40;

const bold = (text: string, tty: boolean) => (tty ? `\x1b[1m${text}\x1b[22m` : text);

/** A receipt as the printer would lay it out, on a 40-column roll; bold on a terminal. */
export function renderReceipt(lines: ReceiptLine[], tty = false): string {
  const rule = '-'.repeat(RECEIPT_WIDTH);
  const body = lines.map(([raw, , align, style]) => {
    // The terminal's text, made printable before eposd-pos adds its own bold (output.ts).
    const text = printable(raw);
    const t = text.length > RECEIPT_WIDTH ? text.slice(0, RECEIPT_WIDTH) : text;
    const pad = RECEIPT_WIDTH - t.length;
    const laid = align === 'R' ? ' '.repeat(pad) + t : align === 'C' ? ' '.repeat(Math.floor(pad / 2)) + t : t;
    return style === 'B' ? bold(laid, tty) : laid;
  });
  return [rule, ...body, rule].join('\n');
}

const reason = (s: { statusReason: string | null }) => (s.statusReason && s.statusReason !== 'APPROVED' ? ` (${s.statusReason.replace(/_/g, ' ').toLowerCase()})` : '');

/**
 * What was charged: the host's approved amount when it approved part (of the total asked), else the
 * total with what it is made of when a tip or cashback came on top ("EUR 34.50 (12.50 + tip 2.00 + cashback 20.00)").
 */
function chargedText(s: FinalStatus): string {
  const total = s.totalAmount ?? s.transAmount;
  if (s.partialApproval && s.amountAuthorised !== undefined) return `${formatAmount(s.amountAuthorised, s.currencyCode)} of ${formatAmount(total)} (partial approval)`;
  if (!s.tipAmount && !s.cashbackAmount) return formatAmount(s.transAmount, s.currencyCode);
  const extras = [s.tipAmount ? `tip ${formatAmount(s.tipAmount)}` : '', s.cashbackAmount ? `cashback ${formatAmount(s.cashbackAmount)}` : ''].filter(Boolean);
  return `${formatAmount(total, s.currencyCode)} (${[formatAmount(s.transAmount), ...extras].join(' + ')})`;
}

/** One line that says what happened: "APPROVED  SALE EUR 12.50  auth 123456  card 47**…0010". */
export function outcomeLine(s: FinalStatus): string {
  const parts = [`${s.status}${reason(s)}`, `${s.transactionType} ${chargedText(s)}`.trim()];
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

/** Every total of the batch (docs/api.md, GET /settlement): the optional ones when the batch has them. */
export function renderBatch(b: Batch): string {
  const t = b.totals;
  const row = (name: string, total: { count: number; amount?: number } | undefined) =>
    total === undefined ? [] : [`  ${name.padEnd(18)} ${String(total.count).padStart(4)}${total.amount === undefined ? '' : `  ${formatAmount(total.amount, t.currency)}`}`];
  return [
    `Batch ${b.batchNumber} ${b.status}${b.closedAt ? ` at ${b.closedAt}` : ''} (opened ${b.openedAt})`,
    ...row('sales', t.sales),
    ...row('of which tips', t.tips),
    ...row('of which cashback', t.cashback),
    ...row('refunds', t.refunds),
    ...row('pre-auths', t.preauths),
    ...row('increments', t.increments),
    ...row('completions', t.completions),
    ...row('voided', t.voided),
    ...row('reversals', t.reversals),
    ...row('declined', t.declined),
    ...row('not completed', t.notCompleted),
    `  ${'net'.padEnd(18)}       ${formatAmount(t.net, t.currency)}`,
  ].join('\n');
}

/** The fingerprint on a line of its own, as the terminal's screen and its ready line show it. */
export function fingerprintBlock(fingerprint: string, indent = '  '): string {
  return `${indent}${displayFingerprint(fingerprint)}`;
}
