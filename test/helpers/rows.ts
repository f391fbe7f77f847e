import type { TransactionRow } from '../../src/transactions/transactions.repository';

// A committed transaction's row, as the repository reads it, for the tests of what is made from rows (receipts, answers).

export const CREATED = new Date('2025-04-28T06:27:25Z');

/** An approved chip-and-PIN sale of 12.34 EUR; `over` changes any field. */
export function transactionRow(over: Partial<TransactionRow> = {}): TransactionRow {
  return {
    id: 42,
    uti: 'uti-0001',
    transType: 'SALE',
    amount: 1234,
    currency: 'EUR',
    reference: 'r1',
    originalUti: null,
    registerId: 'till-1',
    requestHash: null,
    disablePrinting: 0,
    status: 'APPROVED',
    stage: null,
    statusReason: 'APPROVED',
    responseCode: '00',
    authCode: '123456',
    maskedPan: '54**********0434',
    entryMode: 'ICC',
    aid: 'A0000000041010',
    appName: 'MASTERCARD',
    cvm: 'PIN',
    voidedBy: null,
    completedBy: null,
    reversal: null,
    batchId: null,
    createdAt: CREATED.getTime(),
    completedAt: CREATED.getTime() + 3000,
    tipAmount: null,
    cashbackAmount: null,
    amountAuthorised: null,
    allowPartial: null,
    tipOptions: null,
    orderData: null,
    locale: null,
    cardBrand: null,
    emv: null,
    cardId: null,
    refundUtis: null,
    amountRefunded: null,
    ...over,
  };
}
