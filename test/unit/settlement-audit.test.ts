import { ManualClock } from '../../src/shared/clock';
import { testContext } from '../helpers/context';

describe('the automatic settlement', () => {
  it('when it closes the batch by itself, then the audit trail says the terminal did it', () => {
    const clock = new ManualClock(new Date(2026, 3, 28, 0, 30));
    const { ctx } = testContext({ clock, env: { EPOSD_SETTLEMENT_TIME: '01:00' } });
    try {
      const id = ctx.transactionsRepo.insert({
        uti: 'sale-before-one',
        transType: 'SALE',
        amount: 1000,
        currency: 'EUR',
        reference: null,
        originalUti: null,
        registerId: 'till-1',
        requestHash: null,
        disablePrinting: 0,
        stage: null,
        createdAt: clock.now().getTime(),
      });
      ctx.transactionsRepo.update(id, { status: 'APPROVED', completedAt: clock.now().getTime() });

      expect(ctx.settlement.settleIfDue()).toBeUndefined();
      clock.set(new Date(2026, 3, 28, 2, 0));
      const batch = ctx.settlement.settleIfDue();

      expect(batch).toMatchObject({ status: 'CLOSED', closedBy: 'SCHEDULE', totals: { sales: { count: 1, amount: 1000 } } });
      expect(ctx.auditRepo.latest(5).filter((e) => e.event === 'settlement.close')).toEqual([
        expect.objectContaining({ role: 'system', origin: 'terminal', outcome: 'OK', actor: `batch-${batch!.batchNumber}` }),
      ]);
    } finally {
      ctx.destroy();
    }
  });
});
