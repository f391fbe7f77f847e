import { CARD_BRANDS, type CardBrand, type EmvData } from '../reader/card-data';
import { encodeEmv } from '../transactions/card-outcome';
import { decodeOrder } from '../transactions/order';
import type { Said } from '../transactions/answer-rule';
import type { TransactionChange, TransactionRow } from '../transactions/transactions.repository';
import type { BridgeTransaction, PaymentResult } from './protocol';

export type RequestRow = Pick<
  TransactionRow,
  'uti' | 'transType' | 'amount' | 'currency' | 'reference' | 'originalUti' | 'registerId' | 'disablePrinting' | 'tipAmount' | 'cashbackAmount' | 'allowPartial' | 'orderData' | 'locale'
>;

/**
 * payment.start's `transaction`: every request field the POS sent, as the POS named it (tips, cashback,
 * partial approval, order data, locale), read back from the committed row. A tip asked on the terminal
 * was chosen on eposd's screen before the card: the app gets the chosen `tipAmount`, never `tipOnTerminal`.
 */
export function bridgeTransactionOf(row: RequestRow, originalAuthCode: string | null, originalCardId: string | null = null): BridgeTransaction {
  const tx: BridgeTransaction = { uti: row.uti, transType: row.transType, amountTrans: row.amount, currency: row.currency, registerId: row.registerId, disablePrinting: row.disablePrinting === 1 };
  if (row.reference !== null) tx.reference = row.reference;
  if (row.originalUti !== null) tx.originalUti = row.originalUti;
  if (originalAuthCode !== null) tx.originalAuthCode = originalAuthCode;
  // A linked refund: the app declines another card than the one that paid before it goes to the acquirer.
  if (row.transType === 'REFUND' && originalCardId !== null) tx.originalCardId = originalCardId;
  if (row.tipAmount !== null) tx.tipAmount = row.tipAmount;
  if (row.cashbackAmount !== null) tx.cashbackAmount = row.cashbackAmount;
  if (row.allowPartial === 1) tx.allowPartialApproval = true;
  if (row.locale !== null) tx.locale = row.locale;
  return Object.assign(tx, decodeOrder(row.orderData));
}

/** What a result adds beyond the outcome, as the host port and the row take it: the brand, the EMV data (when whole), a partial amount. */
export function resultExtras(r: PaymentResult): { cardBrand?: CardBrand; emv?: EmvData; amountAuthorised?: number; cardId?: string } {
  const brand = r.cardBrand ?? r.card?.cardBrand;
  const e = r.emv;
  const emv = e?.aid && e.applicationLabel && e.tvr && e.tsi && e.atc && e.arc && e.cryptogramType && e.cryptogram ? (e as EmvData) : undefined;
  return {
    ...(brand !== undefined ? { cardBrand: (CARD_BRANDS as readonly string[]).includes(brand) ? (brand as CardBrand) : 'OTHER' } : {}),
    ...(emv ? { emv } : {}),
    ...(r.amountAuthorised !== undefined && r.outcome === 'APPROVED' ? { amountAuthorised: r.amountAuthorised } : {}),
    ...(r.card?.cardId !== undefined ? { cardId: r.card.cardId } : {}),
  };
}

/** What the app's answer says, before eposd believes it (transactions/answer-rule.ts). */
export const saidOf = (uti: string, r: PaymentResult): Said => ({
  uti,
  outcome: r.outcome,
  reason: r.reason,
  responseCode: r.responseCode ?? null,
  authCode: r.authCode ?? null,
  amountAuthorised: r.amountAuthorised,
  ...(r.card?.cardId !== undefined ? { cardId: r.card.cardId } : {}),
});

/**
 * What a result says of the card, as columns of the row (a result recorded by reconciliation): the card
 * read, its identity, brand and EMV data. The amount is not among them: the rule decides what is recorded of it.
 */
export function cardColumns(r: PaymentResult): TransactionChange {
  const { cardBrand, emv, cardId } = resultExtras(r);
  const read = r.card ? { maskedPan: r.card.maskedPan, entryMode: r.card.entryMode, aid: r.card.aid ?? null, appName: r.card.applicationLabel ?? null, cvm: r.card.cvm } : {};
  return { ...read, ...(cardBrand ? { cardBrand } : {}), ...(emv ? { emv: encodeEmv(emv) } : {}), ...(cardId ? { cardId } : {}) };
}
