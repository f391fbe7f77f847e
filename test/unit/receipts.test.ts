import type { TerminalIdentity } from '../../src/identity/identity';
import type { ReceiptLine } from '../../src/printer/printer';
import { buildReceipts } from '../../src/transactions/receipts';
import type { TransactionRow } from '../../src/transactions/transactions.repository';

const IDENTITY: TerminalIdentity = { tid: '12345678', mid: '000000000000001', serialNumber: 'EPD000000001', merchantName: 'CAFE TEST', currency: 'EUR' };
const CREATED = new Date('2025-04-28T06:27:25Z');

function row(over: Partial<TransactionRow> = {}): TransactionRow {
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
    orderData: null,
    locale: null,
    cardBrand: null,
    emv: null,
    ...over,
  };
}

const texts = (lines: ReceiptLine[]) => lines.map((l) => l[0]);
const two = (n: number) => String(n).padStart(2, '0');
// The terminal prints its local time: computed here from the Date's own local fields.
const LOCAL = `${two(CREATED.getDate())}/${two(CREATED.getMonth() + 1)}/${CREATED.getFullYear()} ${two(CREATED.getHours())}:${two(CREATED.getMinutes())}:${two(CREATED.getSeconds())}`;

describe('receipts', () => {
  it('prints every line of an approved chip sale on the merchant copy, in order', () => {
    expect(texts(buildReceipts(row(), IDENTITY)!.merchant)).toEqual([
      'CAFE TEST',
      'MERCHANT COPY',
      'MID: 000000000000001',
      'TID: 12345678',
      'SERIAL: EPD000000001',
      LOCAL,
      'SALE',
      'AMOUNT: EUR 12.34',
      'AUTHORISED - 123456',
      'CARD: 54**********0434',
      'PIN VERIFIED',
      'MASTERCARD CHIP',
      'AID: A0000000041010',
      'RECEIPT NO: 000042',
      'UTI: uti-0001',
      'THANK YOU',
      '*** END OF RECEIPT ***',
    ]);
  });

  it('prints the same transaction on the cardholder copy, titled CARDHOLDER COPY', () => {
    const { merchant, cardholder } = buildReceipts(row(), IDENTITY)!;
    expect(cardholder[1]).toEqual(['CARDHOLDER COPY', '5', 'C', 'B']);
    expect(texts(cardholder)).toContain('PLEASE RETAIN FOR YOUR RECORDS');
    const shared = (lines: ReceiptLine[]) => texts(lines).filter((t) => !/COPY|THANK YOU|PLEASE RETAIN/.test(t));
    expect(shared(cardholder)).toEqual(shared(merchant));
  });

  it("writes each line in Paynt's format: text, size 1-9, align L|C|R, style N|B", () => {
    const { merchant, cardholder } = buildReceipts(row({ cvm: 'SIGNATURE', entryMode: 'MAG', appName: 'AMERICAN EXPRESS' }), IDENTITY)!;
    for (const line of [...merchant, ...cardholder]) {
      expect(line).toHaveLength(4);
      expect(typeof line[0]).toBe('string');
      expect(line[1]).toMatch(/^[1-9]$/);
      expect(line[2]).toMatch(/^[LCR]$/);
      expect(line[3]).toMatch(/^[NB]$/);
    }
    expect(merchant[0]).toEqual(['CAFE TEST', '5', 'C', 'B']);
    expect(merchant[1]).toEqual(['MERCHANT COPY', '5', 'C', 'B']);
  });

  it('prints a decline with its response code and reason instead of an auth code', () => {
    const declined = row({ status: 'DECLINED', statusReason: 'INSUFFICIENT_FUNDS', responseCode: '51', authCode: null });
    const lines = texts(buildReceipts(declined, IDENTITY)!.cardholder);
    expect(lines).toContain('DECLINED - 51 INSUFFICIENT FUNDS');
    expect(lines.some((l) => l.startsWith('AUTHORISED'))).toBe(false);
  });

  it('prints a contactless card without verification as such', () => {
    const lines = texts(buildReceipts(row({ maskedPan: '47**********0010', entryMode: 'PICC', appName: 'VISA CREDIT', aid: 'A0000000031010', cvm: 'NO_CVM' }), IDENTITY)!.merchant);
    expect(lines).toEqual(expect.arrayContaining(['CARD: 47**********0010', 'NO CARDHOLDER VERIFICATION', 'VISA CREDIT CONTACTLESS', 'AID: A0000000031010']));
  });

  it('adds a signature line to the merchant copy only, for a signature card', () => {
    const { merchant, cardholder } = buildReceipts(row({ cvm: 'SIGNATURE' }), IDENTITY)!;
    expect(texts(merchant)).toContain('SIGNATURE: ____________________');
    expect(texts(cardholder)).not.toContain('SIGNATURE: ____________________');
  });

  it('titles each type and prints a void with the amount and the UTI of the voided original', () => {
    const voided = row({ uti: 'void-1', transType: 'REVERSAL', amount: 5000, originalUti: 'sale-1', authCode: null });
    const lines = texts(buildReceipts(voided, IDENTITY)!.merchant);
    expect(lines).toEqual(expect.arrayContaining(['VOID', 'AMOUNT: EUR 50.00', 'ORIGINAL: sale-1', 'AUTHORISED']));
    expect(texts(buildReceipts(row({ transType: 'PREAUTH' }), IDENTITY)!.merchant)).toContain('PRE-AUTHORISATION');
    expect(texts(buildReceipts(row({ transType: 'REFUND' }), IDENTITY)!.merchant)).toContain('REFUND');
    expect(texts(buildReceipts(row({ transType: 'COMPLETION' }), IDENTITY)!.merchant)).toContain('COMPLETION');
  });

  it('writes the amount in the currency of the transaction', () => {
    expect(texts(buildReceipts(row({ amount: 1000, currency: 'JPY' }), IDENTITY)!.merchant)).toContain('AMOUNT: JPY 1000');
    expect(texts(buildReceipts(row({ amount: 5, currency: 'GBP' }), IDENTITY)!.merchant)).toContain('AMOUNT: GBP 0.05');
  });

  it.each(['CANCELLED', 'FAILED', 'TIMED_OUT', 'IN_PROGRESS'] as const)('makes no receipt for a %s transaction, which never reached the host', (status) => {
    expect(buildReceipts(row({ status, responseCode: null, authCode: null, maskedPan: null }), IDENTITY)).toBeUndefined();
  });

  it('never prints more of the card number than the masked PAN', () => {
    const { merchant, cardholder } = buildReceipts(row(), IDENTITY)!;
    const printed = texts([...merchant, ...cardholder]).filter((t) => !/^(MID|AID): /.test(t));
    expect(printed.filter((t) => /\d{13,}/.test(t))).toEqual([]);
    expect(printed.filter((t) => t.includes('*') && !t.startsWith('***'))).toEqual(['CARD: 54**********0434', 'CARD: 54**********0434']);
  });
});
