import type { TerminalIdentity } from '../../src/identity/identity';
import type { ReceiptLine } from '../../src/printer/printer';
import { buildReceipts } from '../../src/transactions/receipts';
import { transactionRow as row } from '../helpers/rows';

// The receipts of payment breadth's money, each compared with its stored example (the date line aside).

const IDENTITY: TerminalIdentity = { tid: '12345678', mid: '000000000000001', serialNumber: 'EPD000000001', merchantName: 'CAFE TEST', currency: 'EUR' };
const HEAD = ['CAFE TEST', 'MERCHANT COPY', 'MID: 000000000000001', 'TID: 12345678', 'SERIAL: EPD000000001'];
const CARD = ['CARD: 54**********0434', 'PIN VERIFIED', 'MASTERCARD CHIP', 'AID: A0000000041010'];
const TAIL = ['RECEIPT NO: 000042', 'UTI: uti-0001', 'THANK YOU', '*** END OF RECEIPT ***'];
/** The merchant copy's lines, without the date and time. */
const merchant = (over: Parameters<typeof row>[0]) => buildReceipts(row(over), IDENTITY)!.merchant.filter((_l, i) => i !== 5);
const texts = (lines: ReceiptLine[]) => lines.map((l) => l[0]);

describe('receipts with tips, cashback, other currencies and partial approvals', () => {
  it('prints a sale with a tip: the amount, the tip and the total (bold)', () => {
    const lines = merchant({ amount: 1250, tipAmount: 188 });
    expect(texts(lines)).toEqual([...HEAD, 'SALE', 'AMOUNT: EUR 12.50', 'TIP: EUR 1.88', 'TOTAL: EUR 14.38', 'AUTHORISED - 123456', ...CARD, ...TAIL]);
    expect(lines[8]).toEqual(['TOTAL: EUR 14.38', '4', 'L', 'B']);
  });

  it('prints a sale with cashback', () => {
    expect(texts(merchant({ amount: 2000, cashbackAmount: 5000 }))).toEqual([...HEAD, 'SALE', 'AMOUNT: EUR 20.00', 'CASHBACK: EUR 50.00', 'TOTAL: EUR 70.00', 'AUTHORISED - 123456', ...CARD, ...TAIL]);
  });

  it('prints a partial approval: what was authorised and what is left to pay', () => {
    expect(texts(merchant({ amount: 2510, amountAuthorised: 1255, allowPartial: 1 }))).toEqual([
      ...HEAD,
      'SALE',
      'AMOUNT: EUR 25.10',
      'PARTIAL APPROVAL',
      'AUTHORISED: EUR 12.55',
      'NOT PAID: EUR 12.55',
      'AUTHORISED - 123456',
      ...CARD,
      ...TAIL,
    ]);
  });

  it('prints yen without decimals and dinars with three, tip and total alike', () => {
    expect(texts(merchant({ amount: 1250, currency: 'JPY', tipAmount: 125 }))).toEqual([
      ...HEAD,
      'SALE',
      'AMOUNT: JPY 1250',
      'TIP: JPY 125',
      'TOTAL: JPY 1375',
      'AUTHORISED - 123456',
      ...CARD,
      ...TAIL,
    ]);
    expect(texts(merchant({ transType: 'REFUND', amount: 1250, currency: 'KWD', originalUti: 'sale-1' }))).toEqual([
      ...HEAD,
      'REFUND',
      'AMOUNT: KWD 1.250',
      'AUTHORISED - 123456',
      ...CARD,
      'ORIGINAL: sale-1',
      ...TAIL,
    ]);
  });

  it('prints an INCREMENT of a pre-authorisation with its original and no card', () => {
    expect(texts(merchant({ transType: 'INCREMENT', amount: 2000, originalUti: 'preauth-1', maskedPan: null, cvm: null, appName: null, aid: null, entryMode: null }))).toEqual([
      ...HEAD,
      'PRE-AUTH INCREMENT',
      'AMOUNT: EUR 20.00',
      'AUTHORISED - 123456',
      'ORIGINAL: preauth-1',
      ...TAIL,
    ]);
  });

  it('prints no partial lines on a declined payment that allowed one', () => {
    const lines = texts(merchant({ amount: 2510, allowPartial: 1, status: 'DECLINED', responseCode: '51', statusReason: 'INSUFFICIENT_FUNDS', authCode: null }));
    expect(lines).toContain('DECLINED - 51 INSUFFICIENT FUNDS');
    expect(lines).not.toContain('PARTIAL APPROVAL');
  });
});
