import request from 'supertest';
import { useApi } from '../../helpers/api';
import { INSTANT_SIMULATOR_ENV, getStatus, payAndWait, simulatedPrinter } from '../../helpers/payments';
import { bodyOf, type Acknowledgement, type FinalStatus } from '../../helpers/bodies';

describe('POST /payntpos/1.0.0/transaction?disablePrinting=…', () => {
  const t = useApi({ env: INSTANT_SIMULATOR_ENV, paired: true });

  it('prints nothing with disablePrinting=true, but the status still carries both receipts', async () => {
    const { uti } = await payAndWait(t.app, t.ctx, t.token, { transType: 'SALE', amountTrans: 1000 }, 'disablePrinting=true');
    expect(simulatedPrinter(t.ctx).jobs).toEqual([]);
    const status = bodyOf<FinalStatus>(await getStatus(t.app, t.token, uti));
    expect(status.merchantReceipt[1]![0]).toBe('MERCHANT COPY');
    expect(status.cardholderReceipt[1]![0]).toBe('CARDHOLDER COPY');
    expect(status.merchantReceipt.map((l) => l[0])).toContain(`AUTHORISED - ${status.authCode}`);
  });

  it.each([
    ['disablePrinting=false', 'disablePrinting=false'],
    ['no disablePrinting', ''],
  ])('prints the merchant copy, then the cardholder copy, with %s: the receipts of the status', async (_name, query) => {
    const { uti } = await payAndWait(t.app, t.ctx, t.token, { transType: 'SALE', amountTrans: 1000 }, query);
    const status = bodyOf<FinalStatus>(await getStatus(t.app, t.token, uti));
    expect(simulatedPrinter(t.ctx).jobs).toEqual([
      { what: `merchant copy ${uti}`, lines: status.merchantReceipt },
      { what: `cardholder copy ${uti}`, lines: status.cardholderReceipt },
    ]);
  });

  it("builds an outcome's receipts once: the printer and the screen get those of the status answer the POS reads", async () => {
    const { uti } = await payAndWait(t.app, t.ctx, t.token, { transType: 'SALE', amountTrans: 1000 }, 'disablePrinting=false');
    const answer = t.ctx.transactions.status(uti);
    if (!answer?.final) throw new Error('the payment is not final');
    const jobs = simulatedPrinter(t.ctx).jobs;
    expect(jobs.map((j) => j.lines)).toEqual([answer.body.merchantReceipt, answer.body.cardholderReceipt]);
    expect(jobs[0]!.lines).toBe(answer.body.merchantReceipt);
    expect(jobs[1]!.lines).toBe(answer.body.cardholderReceipt);
    // The screen draws an outcome a turn after the POS's answer (src/screen/payment-screen.ts).
    await new Promise((resolve) => setImmediate(resolve));
    expect(t.ctx.screen.state().payment?.receipt).toBe(answer.body.cardholderReceipt);
  });

  it('prints a declined payment too, and nothing for a cancelled one', async () => {
    const declined = await payAndWait(t.app, t.ctx, t.token, { transType: 'SALE', amountTrans: 1005 }, 'disablePrinting=false');
    await payAndWait(t.app, t.ctx, t.token, { transType: 'SALE', amountTrans: 1097 }, 'disablePrinting=false');
    expect(simulatedPrinter(t.ctx).jobs.map((j) => j.what)).toEqual([`merchant copy ${declined.uti}`, `cardholder copy ${declined.uti}`]);
  });

  it('reports the status as final while the receipts print', async () => {
    const res = await request(t.app).post('/payntpos/1.0.0/transaction').set('Authorization', t.token).send({ transType: 'SALE', amountTrans: 1000 });
    const { uti } = bodyOf<Acknowledgement>(res);
    await new Promise<void>((resolve) => t.ctx.engine.on('transition', (e: { uti: string; to: string }) => e.uti === uti && e.to === 'PRINTING' && resolve()));
    const during = await getStatus(t.app, t.token, uti);
    expect(during.status).toBe(200);
    expect(bodyOf<FinalStatus>(during).status).toBe('APPROVED');
  });
});
