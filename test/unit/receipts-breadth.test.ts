import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TerminalIdentity } from '../../src/identity/identity';
import type { ReceiptLine } from '../../src/printer/printer';
import { encodeEmv } from '../../src/transactions/card-outcome';
import { encodeOrder } from '../../src/transactions/order';
import { buildReceipts } from '../../src/transactions/receipts';
import type { TransactionRow } from '../../src/transactions/transactions.repository';
import { transactionRow } from '../helpers/rows';

// Receipts with order data, EMV data and languages, compared with the stored examples in
// receipt-examples/ (one line a receipt line: size, alignment, style, then the text). To update them
// after a deliberate change: UPDATE_RECEIPT_EXAMPLES=1 npx jest test/unit/receipts-breadth.test.ts, then review the diff.

const IDENTITY: TerminalIdentity = { tid: '12345678', mid: '000000000000001', serialNumber: 'EPD000000001', merchantName: 'CAFE TEST', currency: 'EUR' };
const EXAMPLES = join(__dirname, 'receipt-examples');

const ORDER = encodeOrder({
  description: 'Table 7, lunch',
  metadata: { order: '42' },
  lineItems: [
    { name: 'Flat white', quantity: 2, unitAmount: 350 },
    { name: 'Croissant', quantity: 1, unitAmount: 300, totalAmount: 250, taxAmount: 23 },
  ],
});
const EMV_CHIP = encodeEmv({ aid: 'A0000000041010', applicationLabel: 'MASTERCARD', tvr: '0000048000', tsi: 'E800', atc: '01A7', arc: '00', cryptogramType: 'TC', cryptogram: '8C1F2A3B4D5E6F70' });

const row = (over: Partial<TransactionRow> = {}): TransactionRow => transactionRow({ amount: 950, orderData: ORDER, cardBrand: 'MASTERCARD', emv: EMV_CHIP, ...over });

// The date line is the terminal's local time: the examples hold a placeholder for it.
const DATE = /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/;
const asText = (lines: ReceiptLine[]) => lines.map(([text, size, align, style]) => `${size}${align}${style} ${DATE.test(text) ? '<date and time>' : text}`).join('\n') + '\n';

function expectExample(name: string, lines: ReceiptLine[]) {
  const file = join(EXAMPLES, `${name}.txt`);
  if (process.env.UPDATE_RECEIPT_EXAMPLES === '1') writeFileSync(file, asText(lines));
  expect(asText(lines)).toBe(readFileSync(file, 'utf8'));
}

describe('receipts with order data, EMV data and languages', () => {
  it.each([
    ['en chip sale with line items and EMV', row(), IDENTITY],
    ['ja cardholder, en merchant', row({ locale: 'ja' }), IDENTITY],
    ['es cardholder, de merchant', row({ locale: 'es' }), { ...IDENTITY, locale: 'de' as const }],
    [
      'de declined contactless',
      row({
        status: 'DECLINED',
        statusReason: 'INSUFFICIENT_FUNDS',
        responseCode: '51',
        authCode: null,
        entryMode: 'PICC',
        aid: 'A0000000031010',
        appName: 'VISA CREDIT',
        cvm: 'NO_CVM',
        maskedPan: '47**********0010',
        orderData: null,
        locale: 'de',
        cardBrand: 'VISA',
        emv: encodeEmv({ aid: 'A0000000031010', applicationLabel: 'VISA CREDIT', tvr: '0000008000', tsi: 'A800', atc: '0042', arc: '51', cryptogramType: 'ARQC', cryptogram: '1A2B3C4D5E6F7A8B' }),
      }),
      IDENTITY,
    ],
    [
      'ja swiped signature refund',
      row({ transType: 'REFUND', entryMode: 'MAG', aid: null, appName: 'AMERICAN EXPRESS', cvm: 'SIGNATURE', maskedPan: '37*********0126', emv: null, cardBrand: 'AMEX', locale: 'ja' }),
      { ...IDENTITY, locale: 'ja' as const },
    ],
  ])('prints the %s receipts as the stored examples', (name, tx, identity) => {
    const receipts = buildReceipts(tx, identity)!;
    const slug = name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
    expectExample(`${slug}.merchant`, receipts.merchant);
    expectExample(`${slug}.cardholder`, receipts.cardholder);
  });

  it('prints a sale without order data, locale or EMV data exactly as before (no new line)', () => {
    const plain = buildReceipts(row({ orderData: null, emv: null, cardBrand: null }), IDENTITY)!;
    const withEmv = buildReceipts(row({ orderData: null }), IDENTITY)!;
    expect(withEmv.merchant.length - plain.merchant.length).toBe(2);
    expect(plain.merchant.map((l) => l[0])).not.toContainEqual(expect.stringMatching(/^TVR|^TC:/));
  });
});
