import { DeliveriesRepository } from '../../src/webhooks/deliveries.repository';
import { useApi } from '../helpers/api';
import { capturingLogger, INSTANT_SIMULATOR_ENV, rowOf, untilIdleAfter } from '../helpers/payments';
import { until } from '../helpers/until';

describe('the webhook outbox', () => {
  let lines: Record<string, unknown>[];
  const t = useApi(() => {
    const captured = capturingLogger('error');
    lines = captured.lines;
    const fetch = jest.fn(() => Promise.resolve(new Response(null, { status: 204 })));
    return { env: INSTANT_SIMULATOR_ENV, logger: captured.logger, timings: { commitRetryMs: 20 }, fetch };
  });

  const pairWith = (registerId: string, callbackUrl?: string) => t.ctx.pairing.pair({ pairingCode: t.ctx.pairing.openWindow().code, registerId, callbackUrl });
  const outbox = () => t.ctx.db.prepare('SELECT register_id AS registerId, uti FROM webhook_deliveries ORDER BY id').all();
  const sale = (registerId: string) => t.ctx.transactions.start({ transType: 'SALE', amountTrans: 1000 }, registerId, true).uti;

  it('holds one row per final outcome of a register that gave a callback URL, and none for the others', async () => {
    pairWith('till-1', 'http://pos.example/hook');
    pairWith('till-2');
    const first = sale('till-1');
    await untilIdleAfter(t.ctx, first);
    const second = sale('till-2');
    await untilIdleAfter(t.ctx, second);
    expect(outbox()).toEqual([{ registerId: 'till-1', uti: first }]);
  });

  it('is written in the same database transaction as the outcome: no outcome is committed without its row', async () => {
    pairWith('till-1', 'http://pos.example/hook');
    t.ctx.db.exec(`CREATE TRIGGER outbox_refused BEFORE INSERT ON webhook_deliveries BEGIN SELECT RAISE(ABORT, 'outbox refused'); END`);
    const uti = sale('till-1');
    await until('the outcome commit to fail', () => lines.some((l) => l.msg === 'could not commit transition; retrying' && l.to === 'IDLE'));
    expect(rowOf(t.ctx, uti)).toMatchObject({ status: 'IN_PROGRESS', stage: 'AUTHORIZING', completedAt: null });
    expect(outbox()).toEqual([]);

    t.ctx.db.exec('DROP TRIGGER outbox_refused');
    await untilIdleAfter(t.ctx, uti);
    expect(rowOf(t.ctx, uti).status).toBe('APPROVED');
    expect(outbox()).toEqual([{ registerId: 'till-1', uti }]);
  });

  it('follows a register re-paired with a callback URL, or without one, from its next payment', async () => {
    pairWith('till-2');
    const before = sale('till-2');
    await untilIdleAfter(t.ctx, before);
    pairWith('till-2', 'http://pos.example/hook');
    const after = sale('till-2');
    await untilIdleAfter(t.ctx, after);
    pairWith('till-2');
    await untilIdleAfter(t.ctx, sale('till-2'));
    expect(outbox()).toEqual([{ registerId: 'till-2', uti: after }]);
  });

  it('wakes the dispatcher only after a commit that queued a delivery: a payment nobody listens to never reads the outbox', async () => {
    const due = jest.spyOn(DeliveriesRepository.prototype, 'due');
    try {
      pairWith('till-1', 'http://pos.example/hook');
      pairWith('till-2');
      await untilIdleAfter(t.ctx, sale('till-2'));
      expect(due).not.toHaveBeenCalled();

      const uti = sale('till-1');
      await untilIdleAfter(t.ctx, uti);
      const delivered = t.ctx.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM webhook_deliveries WHERE delivered_at IS NOT NULL');
      await until('the delivery to be sent', () => delivered.get()!.n === 1);
      expect(due).toHaveBeenCalled();
    } finally {
      due.mockRestore();
    }
  });
});
