import type { Batch, FinalStatus } from '../../src/client';
import { outcomeLine, renderBatch } from '../../src/cli/render';

const approved = (money: Partial<FinalStatus>): FinalStatus =>
  ({
    uti: 'u1',
    status: 'APPROVED',
    statusReason: 'APPROVED',
    transactionType: 'SALE',
    transAmount: 1250,
    currencyCode: 'EUR',
    authCode: '123456',
    primaryAccountNumber: '47**********0010',
    transactionSource: 'PICC',
    ...money,
  }) as FinalStatus;

describe("eposd-pos's outcome line", () => {
  it('when a sale carries a tip and cashback, then it says the total charged and what it is made of', () => {
    const line = outcomeLine(approved({ tipAmount: 200, cashbackAmount: 2000, totalAmount: 3450, amountAuthorised: 3450 }));
    expect(line).toContain('SALE EUR 34.50 (12.50 + tip 2.00 + cashback 20.00)');
  });

  it('when the host approved part of it, then it says what was charged of what was asked', () => {
    expect(outcomeLine(approved({ totalAmount: 1250, amountAuthorised: 1000, partialApproval: true }))).toContain('SALE EUR 10.00 of 12.50 (partial approval)');
  });

  it('when a sale is the amount alone, then it reads as before', () => {
    expect(outcomeLine(approved({}))).toBe('APPROVED  SALE EUR 12.50  auth 123456  card 47**********0010 (PICC)');
  });
});

describe('eposd-pos settle --totals', () => {
  it('lists every total the batch has: tips, cashback, increments, reversals and the payments not completed too', () => {
    const t = { count: 0, amount: 0 };
    const batch: Batch = {
      batchNumber: 3,
      status: 'OPEN',
      openedAt: '2026-12-01T08:00:00.000Z',
      totals: {
        currency: 'EUR',
        sales: { count: 2, amount: 4700 },
        refunds: t,
        preauths: { count: 1, amount: 8000 },
        completions: t,
        voided: t,
        reversals: { count: 1 },
        declined: { count: 1 },
        notCompleted: { count: 2 },
        net: 4700,
        increments: { count: 1, amount: 2000 },
        tips: { count: 1, amount: 200 },
        cashback: { count: 1, amount: 2000 },
      },
    };
    const text = renderBatch(batch);
    expect(text).toMatch(/^ {2}increments +1 +EUR 20\.00$/m);
    expect(text).toMatch(/^ {2}of which tips +1 +EUR 2\.00$/m);
    expect(text).toMatch(/^ {2}of which cashback +1 +EUR 20\.00$/m);
    expect(text).toMatch(/^ {2}reversals +1$/m);
    expect(text).toMatch(/^ {2}not completed +2$/m);
  });
});
