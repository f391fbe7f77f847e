import type { CardReader } from '../../src/reader/card-reader';
import type { Printer } from '../../src/printer/printer';
import { useApi } from '../helpers/api';
import { INSTANT_SIMULATOR_ENV, payAndWait, rowOf } from '../helpers/payments';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => process.off('unhandledRejection', onUnhandled));

const brokenReader: CardReader = {
  kind: 'broken',
  begin: () => {
    throw new Error('reader unplugged');
  },
  requestPin: () => undefined,
  end: () => undefined,
  ping: () => Promise.resolve(),
};

const jammed: Printer = {
  print: () => {
    throw new Error('paper out');
  },
  state: () => ({ status: 'ERROR', lastError: 'paper out', printed: 0 }),
  ping: () => Promise.resolve(),
};

describe('ports that throw', () => {
  describe('a card reader that throws', () => {
    const t = useApi({ env: INSTANT_SIMULATOR_ENV, reader: brokenReader, paired: true });

    it('when the card reader throws as the payment starts, then it ends FAILED / READER_ERROR and the terminal is free', async () => {
      const { uti } = await payAndWait(t.app, t.ctx, t.token, { transType: 'SALE', amountTrans: 1000 });
      expect(rowOf(t.ctx, uti)).toMatchObject({ status: 'FAILED', statusReason: 'READER_ERROR' });
      expect(t.ctx.engine.current.name).toBe('IDLE');
    });
  });

  describe('a printer that throws', () => {
    const t = useApi({ env: INSTANT_SIMULATOR_ENV, printer: jammed, paired: true });

    it('when the printer throws at once, then the outcome stands, printing ends PRINT_FAILED, and nothing is left unhandled', async () => {
      const { uti } = await payAndWait(t.app, t.ctx, t.token, { transType: 'SALE', amountTrans: 1000 }, 'disablePrinting=false');
      expect(rowOf(t.ctx, uti).status).toBe('APPROVED');
      expect(t.ctx.db.prepare(`SELECT detail FROM transaction_events ORDER BY id DESC LIMIT 1`).pluck().get()).toBe('PRINT_FAILED');
      expect(t.ctx.settlement.close('POS').status).toBe('CLOSED'); // the Z report's print failure does not undo the close
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    });
  });
});
