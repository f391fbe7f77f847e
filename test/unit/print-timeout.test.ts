import { createApp } from '../../src/app';
import type { Printer } from '../../src/printer/printer';
import { testContext, pairPos } from '../helpers/context';
import { committedStates, INSTANT_SIMULATOR_ENV, payAndWait, rowOf } from '../helpers/payments';

const silentPrinter: Printer = {
  print: () => new Promise(() => undefined),
  state: () => ({ status: 'OK', lastError: null, printed: 0 }),
  ping: async () => undefined,
};

describe('a printer that never finishes', () => {
  it('when the print timeout passes, then the terminal is free again and the outcome stands', async () => {
    const t = testContext({ env: INSTANT_SIMULATOR_ENV, printer: silentPrinter, timings: { printTimeoutMs: 30 } });
    try {
      const app = createApp(t.ctx);
      const token = await pairPos(app, t.ctx);
      const { uti } = await payAndWait(app, t.ctx, token, { transType: 'SALE', amountTrans: 1000 }, 'disablePrinting=false');
      expect(rowOf(t.ctx, uti).status).toBe('APPROVED');
      expect(committedStates(t.ctx.db, uti).slice(-2)).toEqual(['AUTHORIZING→PRINTING', 'PRINTING→IDLE']);
      expect(t.ctx.db.prepare(`SELECT detail FROM transaction_events ORDER BY id DESC LIMIT 1`).pluck().get()).toBe('PRINT_TIMEOUT');
      expect(t.ctx.engine.current.name).toBe('IDLE');
    } finally {
      t.ctx.destroy();
    }
  });
});
