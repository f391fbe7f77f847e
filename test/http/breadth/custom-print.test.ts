import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import { useApi } from '../../helpers/api';
import { HeldPrinter } from '../../helpers/held-printer';
import { dbSnapshot } from '../../helpers/db';
import { arrayContaining, objectContaining } from '../../helpers/matchers';
import { INSTANT_SIMULATOR_ENV, TX_PATH, untilIdleAfter, untilStage } from '../../helpers/payments';
import { expectProblem } from '../../helpers/problem';

const PRINT_PATH = `${BASE_PATH}/print`;

describe('POST /payntpos/1.0.0/print with the POS lines', () => {
  let printer: HeldPrinter;
  const t = useApi(() => ({ env: INSTANT_SIMULATOR_ENV, printer: (printer = new HeldPrinter()), paired: true }));
  const print = (body: unknown, query: Record<string, string> = {}) =>
    request(t.app)
      .post(PRINT_PATH)
      .query(query)
      .set('Authorization', t.token)
      .send(body as object);
  const printed = print;

  it('prints each [text, alignment, style] as a receipt line and answers {printed, lines}', async () => {
    const res = await printed({
      lines: [
        ['KITCHEN', 'CENTER', 'LARGE'],
        ['2 x Flat white', 'LEFT', 'NORMAL'],
        ['Table 7', 'RIGHT', 'BOLD'],
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ printed: true, lines: 3 });
    expect(printer.jobs.map((j) => j.lines)).toEqual([
      [
        ['KITCHEN', '5', 'C', 'B'],
        ['2 x Flat white', '3', 'L', 'N'],
        ['Table 7', '3', 'R', 'B'],
      ],
    ]);
  });

  it('records print.custom in the audit trail', async () => {
    await printed({ lines: [['x', 'LEFT', 'NORMAL']] });
    await new Promise((r) => setTimeout(r, 20));
    const events = t.ctx.db.prepare(`SELECT event, outcome FROM audit_events`).all();
    expect(events).toEqual(arrayContaining([objectContaining({ event: 'print.custom', outcome: 'OK' })]));
  });

  it('accepts 200 lines of 48 characters', async () => {
    const res = await printed({ lines: Array.from({ length: 200 }, () => ['x'.repeat(48), 'LEFT', 'NORMAL']) });
    expect(res.status).toBe(200);
    expect(printer.jobs[0]!.lines).toHaveLength(200);
  });

  it.each([
    ['201 lines', { lines: Array.from({ length: 201 }, () => ['x', 'LEFT', 'NORMAL']) }, 'lines'],
    ['no line', { lines: [] }, 'lines'],
    ['a line of 49 characters', { lines: [['x'.repeat(49), 'LEFT', 'NORMAL']] }, 'lines.0.0'],
    ['an unknown alignment', { lines: [['x', 'JUSTIFY', 'NORMAL']] }, 'lines.0.1'],
    ['an unknown style', { lines: [['x', 'LEFT', 'ITALIC']] }, 'lines.0.2'],
    ['a line without its style', { lines: [['x', 'LEFT']] }, 'lines.0'],
    ['a line as a string', { lines: ['x'] }, 'lines.0'],
    ['an unknown field', { lines: [['x', 'LEFT', 'NORMAL']], copies: 2 }, 'copies'],
  ])('answers 400 VALIDATION_FAILED for %s and prints nothing', async (_name, body, field) => {
    const before = dbSnapshot(t.ctx.db);
    const problem = expectProblem(await print(body), 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual(arrayContaining([objectContaining({ field })]));
    expect(printer.jobs).toEqual([]);
    expect(dbSnapshot(t.ctx.db)).toEqual(before);
  });

  it('answers 400 for lines sent with a uti, and for neither lines nor uti', async () => {
    expectProblem(await print({ lines: [['x', 'LEFT', 'NORMAL']] }, { uti: 'abc' }), 400, 'VALIDATION_FAILED');
    const problem = expectProblem(await print({}), 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([objectContaining({ field: 'uti' })]);
    expect(printer.jobs).toEqual([]);
  });

  it('answers 409 TERMINAL_BUSY while a payment prints its receipts, and prints once it has', async () => {
    printer.holding = true;
    const ack = await request(t.app).post(TX_PATH).set('Authorization', t.token).send({ transType: 'SALE', amountTrans: 1000 }).expect(200);
    const uti = (ack.body as { uti: string }).uti;
    await untilStage(t.ctx, uti, 'PRINTING');
    const busy = expectProblem(await print({ lines: [['x', 'LEFT', 'NORMAL']] }), 409, 'TERMINAL_BUSY');
    expect(busy).toMatchObject({ uti, stage: 'PRINTING' });
    expect(printer.jobs.map((j) => j.what)).toEqual([`merchant copy ${uti}`]);
    printer.holding = false;
    printer.releaseAll();
    await untilIdleAfter(t.ctx, uti);
    expect((await printed({ lines: [['x', 'LEFT', 'NORMAL']] })).status).toBe(200);
  });
});
