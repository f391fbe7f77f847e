import request from 'supertest';
import { useApi } from '../../helpers/api';
import { MANUAL_SIMULATOR_ENV, TX_PATH, transactionCount } from '../../helpers/payments';
import { bodyOf, type Acknowledgement } from '../../helpers/bodies';
import { type Problem } from '../../helpers/problem';

// The fast twin of test/faults/concurrency.test.ts: the same races, in-process, on one listening server
// so that every request has a connection of its own and they all arrive together.

describe('POST /payntpos/1.0.0/transaction under concurrency', () => {
  const t = useApi({ env: MANUAL_SIMULATOR_ENV, listen: true });
  let tokens: string[];
  beforeEach(async () => {
    tokens = [];
    for (let i = 1; i <= 20; i++) tokens.push(await t.pairPos(`till-${i}`));
  });

  const post = (token: string, body: Record<string, unknown>) => request(t.server.url).post(`${TX_PATH}?disablePrinting=true`).set('Authorization', token).send(body);

  it('When 20 POS post at the same moment, then exactly one is accepted and 19 answer 409 TERMINAL_BUSY with its UTI', async () => {
    const answers = await Promise.all(tokens.map((token, i) => post(token, { transType: 'SALE', amountTrans: 1000 + i })));
    const accepted = answers.filter((a) => a.status === 200);
    const busy = answers.filter((a) => a.status === 409 && bodyOf<Problem>(a).code === 'TERMINAL_BUSY');
    expect(accepted).toHaveLength(1);
    expect(busy).toHaveLength(19);
    expect(new Set(busy.map((b) => bodyOf<Problem & { uti: string }>(b).uti))).toEqual(new Set([bodyOf<Acknowledgement>(accepted[0]!).uti]));
    expect(transactionCount(t.ctx.db)).toBe(1);
  });

  it('When 100 retries of one client-chosen UTI arrive at once, then there is one transaction and all 100 answer 200 with that UTI', async () => {
    const body = { transType: 'SALE', amountTrans: 1234, uti: 'retry-storm-1', reference: 'storm' };
    const answers = await Promise.all(Array.from({ length: 100 }, () => post(tokens[0]!, body)));
    expect(answers.map((a) => [a.status, bodyOf<Acknowledgement>(a).uti])).toEqual(Array.from({ length: 100 }, () => [200, 'retry-storm-1']));
    expect(transactionCount(t.ctx.db)).toBe(1);
  });
});
