import { createApp } from '../../src/app';
import type { CardReader } from '../../src/reader/card-reader';
import type { Printer } from '../../src/printer/printer';
import { pairPos, testContext } from '../helpers/context';
import { INSTANT_SIMULATOR_ENV, payAndWait, rowOf } from '../helpers/payments';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => process.off('unhandledRejection', onUnhandled));

describe('ports that throw', () => {
  it('when the card reader throws as the payment starts, then it ends FAILED / READER_ERROR and the terminal is free', async () => {
    const brokenReader: CardReader = {
      kind: 'broken',
      begin: () => {
        throw new Error('reader unplugged');
      },
      requestPin: () => undefined,
      end: () => undefined,
      ping: async () => undefined,
    };
    const t = testContext({ env: INSTANT_SIMULATOR_ENV, reader: brokenReader });
    try {
      const app = createApp(t.ctx);
      const token = await pairPos(app, t.ctx);
      const { uti } = await payAndWait(app, t.ctx, token, { transType: 'SALE', amountTrans: 1000 });
      expect(rowOf(t.ctx, uti)).toMatchObject({ status: 'FAILED', statusReason: 'READER_ERROR' });
      expect(t.ctx.engine.current.name).toBe('IDLE');
    } finally {
      t.ctx.destroy();
    }
  });

  it('when the printer throws at once, then the outcome stands, printing ends PRINT_FAILED, and nothing is left unhandled', async () => {
    const jammed: Printer = {
      print: () => {
        throw new Error('paper out');
      },
      state: () => ({ status: 'ERROR', lastError: 'paper out', printed: 0 }),
      ping: async () => undefined,
    };
    const t = testContext({ env: INSTANT_SIMULATOR_ENV, printer: jammed });
    try {
      const app = createApp(t.ctx);
      const token = await pairPos(app, t.ctx);
      const { uti } = await payAndWait(app, t.ctx, token, { transType: 'SALE', amountTrans: 1000 }, 'disablePrinting=false');
      expect(rowOf(t.ctx, uti).status).toBe('APPROVED');
      expect(t.ctx.db.prepare(`SELECT detail FROM transaction_events ORDER BY id DESC LIMIT 1`).pluck().get()).toBe('PRINT_FAILED');
      expect(t.ctx.settlement.close('POS').status).toBe('CLOSED'); // the Z report's print failure does not undo the close
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      t.ctx.destroy();
    }
  });
});
