import fc from 'fast-check';
import { useApi, type Api } from '../../helpers/api';
import { INSTANT_SIMULATOR_ENV, rowOf, untilIdleAfter } from '../../helpers/payments';
import { ApiError } from '../../../src/shared/errors';
import type { TransactionRequest } from '../../../src/transactions/transactions.schemas';
import { chargedTotal } from '../../../src/transactions/money';

// Properties of the money rules on the real service (the composition root, an in-memory database,
// the simulators answering at once): any sequence of refunds and voids, any mix of currencies.

/** Amounts the simulator approves or declines at once (never the 91 host timeout or the 98 missing card). */
const settled = (n: number) => ![91, 98, 10, 12].includes(n % 100);
const DECLINING = new Set([5, 51, 54, 55, 96, 97]);

const run = async (t: Api, body: TransactionRequest): Promise<{ uti: string } | ApiError> => {
  try {
    const { uti } = t.ctx.transactions.start(body, 'till-1', true);
    await untilIdleAfter(t.ctx, uti);
    return { uti };
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
};

describe('the money rules, as properties', () => {
  const t = useApi({ env: { ...INSTANT_SIMULATOR_ENV, EPOSD_CURRENCIES: 'EUR,JPY,KWD' } });

  it('never lets the refunds and the void of one sale exceed what it charged, under any sequence of refunds and voids (declined and voided ones not counted)', async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('refund' as const), amount: fc.integer({ min: 1, max: 6000 }).filter(settled) }),
      fc.record({ kind: fc.constant('void' as const), which: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 100, max: 5000 }).filter((n) => settled(n) && !DECLINING.has(n % 100)),
        fc.integer({ min: 0, max: 500 }),
        fc.array(op, { maxLength: 8 }),
        async (amount, tip, ops) => {
          const sale = await run(t, { transType: 'SALE', amountTrans: amount, ...(tip ? { tipAmount: tip } : {}) });
          if (sale instanceof ApiError) throw sale;
          const charged = chargedTotal(rowOf(t.ctx, sale.uti));
          expect(charged).toBe(amount + tip);
          const live: { uti: string; amount: number }[] = [];
          for (const o of ops) {
            const counted = live.reduce((sum, r) => sum + r.amount, 0);
            if (o.kind === 'refund') {
              const result = await run(t, { transType: 'REFUND', originalUti: sale.uti, amountTrans: o.amount });
              if (counted + o.amount > charged) {
                expect(result).toBeInstanceOf(ApiError);
                expect((result as ApiError).code).toBe('AMOUNT_EXCEEDS_ORIGINAL');
              } else {
                expect(result).not.toBeInstanceOf(ApiError);
                const approved = rowOf(t.ctx, (result as { uti: string }).uti).status === 'APPROVED';
                expect(approved).toBe(!DECLINING.has(o.amount % 100));
                if (approved) live.push({ uti: (result as { uti: string }).uti, amount: o.amount });
              }
            } else if (live.length > 0) {
              const [voided] = live.splice(o.which % live.length, 1);
              expect(await run(t, { transType: 'REVERSAL', uti: voided!.uti })).not.toBeInstanceOf(ApiError);
            }
            expect(t.ctx.transactionsRepo.linkedTotal(sale.uti, 'REFUND')).toBe(live.reduce((sum, r) => sum + r.amount, 0));
            expect(t.ctx.transactionsRepo.linkedTotal(sale.uti, 'REFUND')).toBeLessThanOrEqual(charged);
          }
          // A void gives back all of it: refused while any refund stands, taken once none does.
          const voided = await run(t, { transType: 'REVERSAL', uti: sale.uti });
          if (live.length > 0) expect((voided as ApiError).code).toBe('ALREADY_REFUNDED');
          else expect(voided).not.toBeInstanceOf(ApiError);
        },
      ),
      { numRuns: 15 },
    );
  });

  it("reconciles the batch's totals per currency with the sum of its transactions", async () => {
    const currency = fc.constantFrom('EUR', 'JPY', 'KWD');
    const payment = fc.record({
      transType: fc.constantFrom('SALE' as const, 'REFUND' as const),
      amountTrans: fc.integer({ min: 1, max: 9000 }).filter(settled),
      currency,
      tip: fc.integer({ min: 0, max: 300 }),
      cashback: fc.integer({ min: 0, max: 2000 }),
      voidIt: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(payment, { minLength: 1, maxLength: 8 }), async (payments) => {
        t.ctx.settlement.close('POS');
        for (const p of payments) {
          const sale = p.transType === 'SALE';
          const body: TransactionRequest = {
            transType: p.transType,
            amountTrans: p.amountTrans,
            currency: p.currency,
            ...(sale && p.tip ? { tipAmount: p.tip } : {}),
            ...(sale && p.cashback ? { cashbackAmount: p.cashback } : {}),
          };
          const done = await run(t, body);
          if (done instanceof ApiError) throw done;
          if (p.voidIt && rowOf(t.ctx, done.uti).status === 'APPROVED') await run(t, { transType: 'REVERSAL', uti: done.uti });
        }
        const view = t.ctx.settlement.current();
        const all = view.totalsByCurrency ?? [view.totals];
        const rows = t.ctx.transactionsRepo.unsettled();
        for (const code of new Set(['EUR', ...rows.map((r) => r.currency)])) {
          const mine = rows.filter((r) => r.currency === code && r.status === 'APPROVED' && !r.voided);
          const charged = (type: string) => mine.filter((r) => r.transType === type).reduce((sum, r) => sum + chargedTotal(r), 0);
          const totals = all.find((x) => x.currency === code)!;
          expect(totals.net).toBe(charged('SALE') + charged('COMPLETION') - charged('REFUND'));
          expect(totals.sales).toEqual({ count: mine.filter((r) => r.transType === 'SALE').length, amount: charged('SALE') });
          const counted = totals.sales.count + totals.refunds.count + totals.voided.count + totals.reversals.count + totals.declined.count + totals.notCompleted.count;
          expect(counted).toBe(rows.filter((r) => r.currency === code).length);
        }
        expect(view.totals.currency).toBe('EUR');
      }),
      { numRuns: 12 },
    );
  });
});
