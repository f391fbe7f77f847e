import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import { useApi } from '../../helpers/api';
import { getStatus, MANUAL_SIMULATOR_ENV, simulatedPrinter, TX_PATH, untilIdleAfter, startPayment } from '../../helpers/payments';
import { expectProblem } from '../../helpers/problem';
import { bodyOf, type FinalStatus } from '../../helpers/bodies';

const PRINT_PATH = `${BASE_PATH}/print`;
const DUPLICATE = ['*** DUPLICATE ***', '4', 'C', 'B'];

describe('POST /payntpos/1.0.0/print (reprint)', () => {
  const t = useApi({ env: MANUAL_SIMULATOR_ENV, paired: true });

  const jobs = () => simulatedPrinter(t.ctx).jobs;
  const startSale = (amount: number) => startPayment(t.app, t.token, { transType: 'SALE', amountTrans: amount });
  /** A SALE paid with the contactless test card, ended; no receipt printed (disablePrinting). */
  const paidSale = async (amount = 1000): Promise<string> => {
    const uti = await startSale(amount);
    t.ctx.simulator!.presentCard('visa-contactless');
    await untilIdleAfter(t.ctx, uti);
    return uti;
  };
  const reprint = (query: Record<string, string>) => request(t.app).post(PRINT_PATH).query(query).set('Authorization', t.token);

  it.each([
    ['cardholder', 'cardholderReceipt'],
    ['merchant', 'merchantReceipt'],
  ] as const)('prints the %s copy again through the printer, marked *** DUPLICATE ***', async (copy, field) => {
    const uti = await paidSale();
    expect(jobs()).toEqual([]);
    const res = await reprint({ uti, copy });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ uti, copy, printed: true });
    expect(jobs()).toHaveLength(1);
    const [job] = jobs();
    expect(job!.lines).toContainEqual(DUPLICATE);
    // Otherwise the very receipt the status carries.
    const receipt = bodyOf<FinalStatus>(await getStatus(t.app, t.token, uti))[field];
    expect(job!.lines.filter((l) => l[0] !== DUPLICATE[0])).toEqual(receipt);
  });

  it('prints the cardholder copy when no copy is named, and again on each request', async () => {
    const uti = await paidSale();
    await reprint({ uti }).expect(200);
    await reprint({ uti }).expect(200);
    expect(jobs().map((j) => j.lines[1]![0])).toEqual(['CARDHOLDER COPY', 'CARDHOLDER COPY']);
    expect(jobs().every((j) => j.lines.some((l) => l[0] === DUPLICATE[0]))).toBe(true);
  });

  it('reprints a declined payment, whose receipt says so', async () => {
    const uti = await paidSale(1005);
    await reprint({ uti, copy: 'merchant' }).expect(200);
    expect(jobs()[0]!.lines.map((l) => l[0])).toContain('DECLINED - 05 DO NOT HONOUR');
  });

  it('answers 404 NOT_FOUND for an unknown UTI and prints nothing', async () => {
    expectProblem(await reprint({ uti: 'no-such-uti' }), 404, 'NOT_FOUND');
    expect(jobs()).toEqual([]);
  });

  it('answers 409 NOTHING_TO_PRINT for a CANCELLED transaction', async () => {
    const uti = await startSale(1000);
    await request(t.app).delete(TX_PATH).query({ uti }).set('Authorization', t.token).expect(200);
    expectProblem(await reprint({ uti }), 409, 'NOTHING_TO_PRINT');
    expect(jobs()).toEqual([]);
  });

  it('answers 409 NOTHING_TO_PRINT for a TIMED_OUT transaction', async () => {
    await t.rebuild({ env: MANUAL_SIMULATOR_ENV, timings: { cardTimeoutMs: 1 } });
    const uti = await startSale(1000);
    await untilIdleAfter(t.ctx, uti);
    expect(bodyOf<FinalStatus>(await getStatus(t.app, t.token, uti)).status).toBe('TIMED_OUT');
    expectProblem(await reprint({ uti, copy: 'merchant' }), 409, 'NOTHING_TO_PRINT');
    expect(jobs()).toEqual([]);
  });

  it('answers 409 NOTHING_TO_PRINT while the transaction is in progress', async () => {
    const uti = await startSale(1000);
    const body = expectProblem(await reprint({ uti }), 409, 'NOTHING_TO_PRINT');
    expect(body.detail).toBe('The transaction is still in progress.');
    expect(jobs()).toEqual([]);
  });

  it.each([['other'], ['']])('answers 400 VALIDATION_FAILED for copy=%j', async (copy) => {
    const uti = await paidSale();
    const body = expectProblem(await reprint({ uti, copy }), 400, 'VALIDATION_FAILED');
    expect(body.errors!.map((e) => e.field)).toEqual(['copy']);
    expect(jobs()).toEqual([]);
  });

  it('answers 401 without a token', async () => {
    const uti = await paidSale();
    expectProblem(await request(t.app).post(PRINT_PATH).query({ uti }), 401, 'UNAUTHORIZED');
    expect(jobs()).toEqual([]);
  });
});
