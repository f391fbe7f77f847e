import type { TerminalIdentity } from '../identity/identity';
import { javaDateString } from './java-date';
import { decodeEmv } from './card-outcome';
import { decodeOrder } from './order';
import { buildReceipts } from './receipts';
import { moneyAnswer } from './money';
import { refundsAnswer } from './give-back';
import type { TransactionRow } from './transactions.repository';
import type { FinalStatus, InProgressStatus } from './transactions.schemas';

const iso = (ms: number) => new Date(ms).toISOString();

/** 202 while a transaction runs: what it is and where it is, and no transApproved. */
export function inProgressBody(tx: TransactionRow): InProgressStatus {
  return {
    uti: tx.uti,
    transactionType: tx.transType,
    transAmount: tx.amount,
    originalUti: tx.originalUti,
    status: 'IN_PROGRESS',
    stage: tx.stage === 'PRINTING' || tx.stage === null ? 'AUTHORIZING' : tx.stage,
    reference: tx.reference,
    createdAt: iso(tx.createdAt),
    ...orderFields(tx),
  };
}

/** Order data and language, as the POS sent them: no key at all for what it did not send. */
function orderFields(tx: TransactionRow): Pick<FinalStatus, 'description' | 'metadata' | 'lineItems' | 'locale'> {
  const out: Pick<FinalStatus, 'description' | 'metadata' | 'lineItems' | 'locale'> = tx.orderData === null ? {} : decodeOrder(tx.orderData);
  if (tx.locale !== null) out.locale = tx.locale as FinalStatus['locale'];
  return out;
}

function cardFields(tx: TransactionRow): Pick<FinalStatus, 'cardBrand' | 'emv'> {
  const emv = decodeEmv(tx.emv);
  return { ...(tx.cardBrand !== null ? { cardBrand: tx.cardBrand as FinalStatus['cardBrand'] } : {}), ...(emv ? { emv } : {}) };
}

/** 200 once final: every field of Paynt's model, and eposd's own beside them. */
export function finalBody(tx: TransactionRow, identity: TerminalIdentity): FinalStatus {
  const receipts = buildReceipts(tx, identity);
  return { ...summaryBody(tx, identity), cardholderReceipt: receipts?.cardholder ?? [], merchantReceipt: receipts?.merchant ?? [] };
}

/** The status without its receipts: what lists show. */
export function summaryBody(tx: TransactionRow, identity: TerminalIdentity): Omit<FinalStatus, 'cardholderReceipt' | 'merchantReceipt'> {
  return {
    uti: tx.uti,
    originalUti: tx.originalUti,
    transApproved: tx.status === 'APPROVED',
    transCancelled: tx.status === 'CANCELLED',
    voided: tx.voidedBy !== null,
    transactionType: tx.transType,
    transAmount: tx.amount,
    authCode: tx.authCode,
    primaryAccountNumber: tx.maskedPan,
    transactionDate: javaDateString(new Date(tx.createdAt)),
    transactionResponse: tx.responseCode,
    transactionSource: (tx.entryMode ?? 'NONE') as FinalStatus['transactionSource'],
    applicationId: tx.aid,
    appName: tx.appName,
    cardholderVerificationMethod: (tx.cvm ?? 'NONE') as FinalStatus['cardholderVerificationMethod'],
    currencyCode: tx.currency,
    terminalId: identity.tid,
    merchantId: identity.mid,
    signature: tx.cvm === 'SIGNATURE',
    status: tx.status as FinalStatus['status'],
    statusReason: tx.statusReason,
    reference: tx.reference,
    reversed: tx.reversal === 'DONE',
    voidedBy: tx.voidedBy,
    completedBy: tx.completedBy,
    createdAt: iso(tx.createdAt),
    completedAt: tx.completedAt === null ? null : iso(tx.completedAt),
    ...moneyAnswer(tx, identity.currency),
    ...refundsAnswer(tx),
    ...orderFields(tx),
    ...cardFields(tx),
  };
}
