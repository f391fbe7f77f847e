import type { Printer } from '../../src/printer/printer';
import { useApi } from '../helpers/api';
import { committedStates, INSTANT_SIMULATOR_ENV, payAndWait, rowOf } from '../helpers/payments';

const silentPrinter: Printer = {
  print: () => new Promise(() => undefined),
  state: () => ({ status: 'OK', lastError: null, printed: 0 }),
  ping: () => Promise.resolve(),
};

describe('a printer that never finishes', () => {
  const t = useApi({ env: INSTANT_SIMULATOR_ENV, printer: silentPrinter, timings: { printTimeoutMs: 30 }, paired: true });

  it('when the print timeout passes, then the terminal is free again and the outcome stands', async () => {
    const { uti } = await payAndWait(t.app, t.ctx, t.token, { transType: 'SALE', amountTrans: 1000 }, 'disablePrinting=false');
    expect(rowOf(t.ctx, uti).status).toBe('APPROVED');
    expect(committedStates(t.ctx.db, uti).slice(-2)).toEqual(['AUTHORIZING→PRINTING', 'PRINTING→IDLE']);
    expect(t.ctx.db.prepare(`SELECT detail FROM transaction_events ORDER BY id DESC LIMIT 1`).pluck().get()).toBe('PRINT_TIMEOUT');
    expect(t.ctx.engine.current.name).toBe('IDLE');
  });
});
