/*
 * The wire model of the eposd API as a POS sees it (SPEC §2, §3, §5). Hand-written rather than
 * imported from the server's schemas so that this library depends on nothing of the server: a POS project
 * takes src/client/ and src/relay-trust/, nothing else. The end-to-end tests (test/e2e/pos-*.test.ts) hold the two together.
 */

export type TransType = 'SALE' | 'REFUND' | 'PREAUTH' | 'COMPLETION' | 'REVERSAL' | 'INCREMENT';
export type FinalStatusName = 'APPROVED' | 'DECLINED' | 'CANCELLED' | 'TIMED_OUT' | 'FAILED';
export type StatusName = 'IN_PROGRESS' | FinalStatusName;
export type Stage = 'AWAITING_CARD' | 'READING_CARD' | 'AWAITING_PIN' | 'AUTHORIZING' | 'AWAITING_TIP';

/** Payment breadth's money fields of POST /transaction (docs/payments.md); every one optional. */
export interface MoneyFields {
  /** ISO 4217; amounts are in its minor units (JPY 0 decimals, EUR 2, KWD 3). */
  currency?: string;
  /** SALE, PREAUTH, COMPLETION: charged on top of amountTrans. */
  tipAmount?: number;
  /** SALE, PREAUTH: the terminal asks the cardholder for a tip before the card. */
  tipOnTerminal?: boolean;
  /** 1 to 3 percentages from 1 to 100 (default 10, 15, 20). */
  tipPercentages?: number[];
  /** SALE: cash given to the cardholder. */
  cashbackAmount?: number;
  /** REFUND: the sale refunded (a linked refund); INCREMENT: the pre-authorisation raised. */
  originalUti?: string;
  /** SALE, PREAUTH: the host may approve less than asked. */
  allowPartialApproval?: boolean;
}

/** What a final answer adds for a transaction that used them (and only then). */
export interface MoneyAnswer {
  currency?: string;
  tipAmount?: number;
  cashbackAmount?: number;
  /** amountTrans + tipAmount + cashbackAmount. */
  totalAmount?: number;
  /** What the host approved: totalAmount unless partialApproval. */
  amountAuthorised?: number;
  partialApproval?: boolean;
  /** A SALE or COMPLETION: what its approved linked refunds gave back (absent when none stands), and their UTIs. */
  amountRefunded?: number;
  refunds?: string[];
}

/** One receipt line: text, size "1".."9", align L|C|R, style N|B. */
export type ReceiptLine = [text: string, size: string, align: 'L' | 'C' | 'R', style: 'N' | 'B'];

export interface PairingAnswer {
  authToken: string;
  registerId: string;
  tid: string;
  serialNumber: string;
  certificateFingerprint: string;
  role: 'pos' | 'technician';
  expiresAt?: string;
  webhookSecret?: string;
}

export type Locale = 'en' | 'es' | 'ja' | 'de';
export type CardBrand = 'VISA' | 'MASTERCARD' | 'AMEX' | 'DISCOVER' | 'JCB' | 'UNIONPAY' | 'MAESTRO' | 'OTHER';

/** One line of the order; its total is totalAmount, else quantity × unitAmount (minor units). */
export interface LineItem {
  name: string;
  quantity: number;
  unitAmount: number;
  totalAmount?: number;
  taxAmount?: number;
}

/** Order data and the cardholder's language, on any POST /transaction, returned as sent. */
export interface OrderData {
  /** At most 255 characters. */
  description?: string;
  /** At most 20 keys of 1-40 characters, values of at most 500; searchable with `list({ metadata })`. */
  metadata?: Record<string, string>;
  /** At most 100; their totals must add up to the amount (else LINE_ITEMS_MISMATCH). */
  lineItems?: LineItem[];
  /** The cardholder's screen and receipt. */
  locale?: Locale;
}

/** Chip and contactless reads: the EMV data receipts print. */
export interface EmvData {
  aid: string;
  applicationLabel: string;
  tvr: string;
  tsi: string;
  atc: string;
  arc: string;
  cryptogramType: 'ARQC' | 'TC' | 'AAC';
  cryptogram: string;
}

/** The answer to POST /transaction. */
export interface Acknowledgement {
  transType: TransType;
  amountTrans?: number;
  uti: string;
}

/** GET /transaction while the transaction runs (HTTP 202). */
export interface InProgressStatus {
  uti: string;
  transactionType: TransType;
  transAmount: number | null;
  originalUti: string | null;
  status: 'IN_PROGRESS';
  stage: Stage;
  reference: string | null;
  createdAt: string | null;
  description?: string;
  metadata?: Record<string, string>;
  lineItems?: LineItem[];
  locale?: Locale;
}

/** GET /transaction once the outcome is final (HTTP 200). */
export interface FinalStatus extends MoneyAnswer, OrderData {
  uti: string;
  originalUti: string | null;
  transApproved: boolean;
  transCancelled: boolean;
  voided: boolean;
  transactionType: TransType;
  transAmount: number | null;
  authCode: string | null;
  primaryAccountNumber: string | null;
  transactionDate: string;
  transactionResponse: string | null;
  transactionSource: string;
  applicationId: string | null;
  appName: string | null;
  cardholderVerificationMethod: string;
  currencyCode: string;
  terminalId: string;
  merchantId: string;
  signature: boolean;
  cardholderReceipt: ReceiptLine[];
  merchantReceipt: ReceiptLine[];
  status: FinalStatusName;
  statusReason: string | null;
  reference: string | null;
  reversed: boolean;
  voidedBy: string | null;
  completedBy: string | null;
  createdAt: string | null;
  completedAt: string | null;
  cardBrand?: CardBrand;
  emv?: EmvData;
}

export type TransactionStatus = InProgressStatus | FinalStatus;

export const isFinal = (s: TransactionStatus): s is FinalStatus => s.status !== 'IN_PROGRESS';

/** One row of GET /transactions: a status without its receipts. */
export type TransactionSummary =
  | Omit<FinalStatus, 'cardholderReceipt' | 'merchantReceipt'>
  | (Omit<FinalStatus, 'cardholderReceipt' | 'merchantReceipt' | 'transApproved' | 'status'> & { status: 'IN_PROGRESS'; stage: Stage | null });

export interface TransactionList {
  transactions: TransactionSummary[];
  nextCursor: string | null;
}

export interface ListFilters {
  reference?: string;
  status?: StatusName;
  type?: TransType;
  /** ISO 8601, inclusive. */
  from?: string;
  /** ISO 8601, exclusive. */
  to?: string;
  limit?: number;
  cursor?: string;
  /** Transactions whose metadata has each of these pairs (sent as metadata.KEY=VALUE; up to 5). */
  metadata?: Record<string, string>;
}

export interface TypeTotal {
  count: number;
  amount: number;
}

export interface Batch {
  batchNumber: number;
  status: 'OPEN' | 'CLOSED';
  openedAt: string;
  closedAt?: string;
  closedBy?: string;
  totals: BatchTotals;
  /** Each currency's totals, the terminal's own first: only when the batch holds more than one. */
  totalsByCurrency?: BatchTotals[];
}

/** One currency's totals, in its minor units. */
export interface BatchTotals {
  currency: string;
  sales: TypeTotal;
  refunds: TypeTotal;
  preauths: TypeTotal;
  completions: TypeTotal;
  voided: TypeTotal;
  reversals: { count: number };
  declined: { count: number };
  notCompleted: { count: number };
  net: number;
  increments?: TypeTotal;
  tips?: TypeTotal;
  cashback?: TypeTotal;
}

export interface ReprintAnswer {
  uti: string;
  copy: 'cardholder' | 'merchant';
  printed: boolean;
}

/** One line of POST /print: text (≤ 48 characters), alignment, style. */
export type PrintLine = [text: string, align: 'LEFT' | 'CENTER' | 'RIGHT', style: 'NORMAL' | 'BOLD' | 'LARGE'];

export interface PrintLinesAnswer {
  printed: true;
  lines: number;
}

/** One `event: transaction` frame of GET /events: a transition of one transaction. */
export interface TransactionEvent {
  id: number;
  uti: string;
  transactionType: TransType;
  transAmount: number | null;
  reference: string | null;
  from: string;
  state: string;
  status: StatusName;
  statusReason: string | null;
  detail: string | null;
  at: string;
}

/** What `events()` yields: transitions, and a note when more was missed than the terminal can replay. */
export type StreamEvent = ({ type: 'transaction' } & TransactionEvent) | { type: 'truncated'; message: string };

/** An application/problem+json body. */
export interface Problem {
  status: number;
  code: string;
  title: string;
  detail?: string;
  errors?: { field: string; message: string }[];
  [extra: string]: unknown;
}
