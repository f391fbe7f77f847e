import type { PaymentHost } from '../../src/host/payment-host';
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

  describe('a host that approves less than the POS allowed', () => {
    const reversed: string[] = [];
    const stingy: PaymentHost = {
      authorize: (req) => Promise.resolve({ responseCode: '00', authCode: 'A1B2C3', amountAuthorised: Math.floor(req.amount / 3) }),
      reverse: (uti) => {
        reversed.push(uti);
        return Promise.resolve(true);
      },
    };
    const t = useApi({ env: INSTANT_SIMULATOR_ENV, host: stingy, paired: true });

    it('when a partial approval comes for a sale that did not allow one, then it is declined 51 and reversed, never approved', async () => {
      const { uti } = await payAndWait(t.app, t.ctx, t.token, { transType: 'SALE', amountTrans: 900 });
      expect(rowOf(t.ctx, uti)).toMatchObject({ status: 'DECLINED', responseCode: '51', amountAuthorised: null });
      // The reversal goes out after the outcome is committed: wait for it (bounded).
      for (let i = 0; i < 100 && !reversed.includes(uti); i += 1) await new Promise((r) => setTimeout(r, 20));
      expect(reversed).toContain(uti);
    });

    it('when the sale allowed one, then the partial amount is recorded as approved', async () => {
      const { uti } = await payAndWait(t.app, t.ctx, t.token, { transType: 'SALE', amountTrans: 900, allowPartialApproval: true });
      expect(rowOf(t.ctx, uti)).toMatchObject({ status: 'APPROVED', amountAuthorised: 300 });
    });
  });
});
