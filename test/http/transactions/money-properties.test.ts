import fc from 'fast-check';
import { useApi, type Api } from '../../helpers/api';
import { INSTANT_SIMULATOR_ENV, rowOf, untilIdleAfter } from '../../helpers/payments';
import { ApiError } from '../../../src/shared/errors';
import type { TransactionRequest } from '../../../src/transactions/transactions.schemas';

// Properties of the money rules on the real service (the composition root, an in-memory database,
// the simulators answering at once): any sequence of refunds and voids, any mix of currencies. The
// oracle is the test's own arithmetic on what it sent and the outcomes it read, never eposd's.

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
          // No partial approval was allowed: an approved sale charged all it asked for.
          const charged = amount + tip;
          expect(rowOf(t.ctx, sale.uti).status).toBe('APPROVED');
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
        /** What the test sent and the outcomes it read: no partial approval was allowed, so an approved payment took its whole total. */
        const sent: { currency: string; transType: 'SALE' | 'REFUND'; total: number; approved: boolean; voided: boolean }[] = [];
        const voids: string[] = [];
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
          const approved = rowOf(t.ctx, done.uti).status === 'APPROVED';
          let voided = false;
          if (p.voidIt && approved) {
            const reversal = await run(t, { transType: 'REVERSAL', uti: done.uti });
            if (reversal instanceof ApiError) throw reversal;
            voids.push(p.currency);
            voided = rowOf(t.ctx, reversal.uti).status === 'APPROVED';
          }
          const total = p.amountTrans + (sale ? p.tip + p.cashback : 0);
          sent.push({ currency: p.currency, transType: p.transType, total, approved, voided });
        }
        const view = t.ctx.settlement.current();
        const all = view.totalsByCurrency ?? [view.totals];
        for (const code of new Set(['EUR', ...sent.map((p) => p.currency)])) {
          const standing = sent.filter((p) => p.currency === code && p.approved && !p.voided);
          const charged = (type: string) => standing.filter((p) => p.transType === type).reduce((sum, p) => sum + p.total, 0);
          const totals = all.find((x) => x.currency === code)!;
          expect(totals.net).toBe(charged('SALE') - charged('REFUND'));
          expect(totals.sales).toEqual({ count: standing.filter((p) => p.transType === 'SALE').length, amount: charged('SALE') });
          expect(totals.refunds).toMatchObject({ count: standing.filter((p) => p.transType === 'REFUND').length, amount: charged('REFUND') });
          const counted = totals.sales.count + totals.refunds.count + totals.voided.count + totals.reversals.count + totals.declined.count + totals.notCompleted.count;
          // One row for each payment sent and one for each void.
          expect(counted).toBe(sent.filter((p) => p.currency === code).length + voids.filter((c) => c === code).length);
        }
        expect(view.totals.currency).toBe('EUR');
      }),
      { numRuns: 12 },
    );
  });
});
