import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import { MAX_WAITING_PRINTS } from '../../../src/printer/print-queue';
import { useApi } from '../../helpers/api';
import { HeldPrinter } from '../../helpers/held-printer';
import { INSTANT_SIMULATOR_ENV, TX_PATH, payAndWait, rowOf, untilIdleAfter, untilStage } from '../../helpers/payments';
import { expectProblem } from '../../helpers/problem';
import { until } from '../../helpers/until';

// The print queue (docs/payments.md): the jobs a POS asks for (reprints, its own lines) wait behind the
// one printing up to a bound, past which they are refused with 429 PRINT_QUEUE_FULL; a payment's
// receipts never wait behind them.

const PRINT_PATH = `${BASE_PATH}/print`;

describe('the print queue', () => {
  let printer: HeldPrinter;
  const t = useApi(() => ({ env: INSTANT_SIMULATOR_ENV, printer: (printer = new HeldPrinter()), paired: true }));
  const printLines = (text: string) =>
    request(t.app)
      .post(PRINT_PATH)
      .set('Authorization', t.token)
      .send({ lines: [[text, 'LEFT', 'NORMAL']] });
  const reprint = (uti: string) => request(t.app).post(PRINT_PATH).query({ uti }).set('Authorization', t.token);

  it(`holds at most ${MAX_WAITING_PRINTS} jobs of the POS behind the one printing, and answers the rest at once with 429 PRINT_QUEUE_FULL`, async () => {
    printer.holding = true;
    const sent = 3 * MAX_WAITING_PRINTS;
    let answered = 0;
    const answers = Array.from({ length: sent }, (_, i) =>
      printLines(`ticket ${i}`).then((res) => {
        answered += 1;
        return res;
      }),
    );
    // Every job past the bound is answered while the printer still holds the first one.
    await until('the refused jobs to be answered', () => answered === sent - 1 - MAX_WAITING_PRINTS);
    expect(printer.jobs).toHaveLength(1);
    printer.holding = false;
    printer.releaseAll();
    const results = await Promise.all(answers);
    const printed = results.filter((r) => r.status === 200).length;
    const refused = results.filter((r) => r.status === 429);
    refused.forEach((r) => expectProblem(r, 429, 'PRINT_QUEUE_FULL'));
    expect({ printed, refused: refused.length, jobs: printer.jobs.length }).toEqual({ printed: 1 + MAX_WAITING_PRINTS, refused: sent - 1 - MAX_WAITING_PRINTS, jobs: 1 + MAX_WAITING_PRINTS });
    // Once the printer has caught up, the queue takes jobs again.
    expect((await printLines('after')).status).toBe(200);
  });

  it("prints a payment's receipts before the POS's jobs that were waiting, and the payment ends PRINTED", async () => {
    const { uti: earlier } = await payAndWait(t.app, t.ctx, t.token, { transType: 'SALE', amountTrans: 1000 });
    printer.holding = true;
    const reprints = [reprint(earlier), reprint(earlier), reprint(earlier)].map((r) => r.then((res) => res));
    await until('the first reprint to print', () => printer.jobs.length === 1);
    const res = await request(t.app).post(TX_PATH).set('Authorization', t.token).send({ transType: 'SALE', amountTrans: 1200 });
    const { uti } = res.body as { uti: string };
    await untilStage(t.ctx, uti, 'PRINTING');
    const next = async (n: number) => {
      printer.releaseNext();
      await until(`job ${n} to start`, () => printer.jobs.length === n);
    };
    await next(2);
    await next(3);
    await next(4);
    await next(5);
    printer.holding = false;
    printer.releaseAll();
    await untilIdleAfter(t.ctx, uti);
    expect((await Promise.all(reprints)).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(printer.jobs.map((j) => j.what)).toEqual([
      `cardholder copy ${earlier} (duplicate)`,
      `merchant copy ${uti}`,
      `cardholder copy ${uti}`,
      `cardholder copy ${earlier} (duplicate)`,
      `cardholder copy ${earlier} (duplicate)`,
    ]);
    expect(rowOf(t.ctx, uti).status).toBe('APPROVED');
    const ended = t.ctx.db.prepare(`SELECT e.detail FROM transaction_events e JOIN transactions t ON t.id = e.transaction_id WHERE t.uti = ? AND e.from_state = 'PRINTING'`).pluck().get(uti);
    expect(ended).toBe('PRINTED');
  });
});
