import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import { useApi } from '../../helpers/api';
import { MANUAL_SIMULATOR_ENV, TX_PATH, untilIdleAfter, startPayment } from '../../helpers/payments';
import { expectProblem } from '../../helpers/problem';
import { bodyOf, type SearchPage } from '../../helpers/bodies';

const SEARCH_PATH = `${BASE_PATH}/transactions`;
const MINUTE_MS = 60_000;

describe('GET /payntpos/1.0.0/transactions (search)', () => {
  const t = useApi({ env: MANUAL_SIMULATOR_ENV, paired: true });

  const start = (body: Record<string, unknown>) => startPayment(t.app, t.token, body);
  /** Starts a card payment, presents the contactless card, waits for the outcome; then a minute passes. */
  const pay = async (body: Record<string, unknown>): Promise<string> => {
    const uti = await start(body);
    t.ctx.simulator!.presentCard('visa-contactless');
    await untilIdleAfter(t.ctx, uti);
    t.clock.advance(MINUTE_MS);
    return uti;
  };
  const search = (query: Record<string, string> = {}) => request(t.app).get(SEARCH_PATH).query(query).set('Authorization', t.token);
  const pageOf = (res: request.Response) => bodyOf<SearchPage>(res);
  const utisOf = (res: request.Response) => pageOf(res).transactions.map((tx) => tx.uti);

  describe('with a few transactions of each kind, a minute apart', () => {
    const t0 = new Date('2025-04-28T09:27:25.000Z').getTime();
    let sale1: string, declined: string, refund: string, cancelled: string, inProgress: string;
    beforeEach(async () => {
      sale1 = await pay({ transType: 'SALE', amountTrans: 1000, reference: 'order-1' });
      declined = await pay({ transType: 'SALE', amountTrans: 1005, reference: 'order-2' });
      refund = await pay({ transType: 'REFUND', amountTrans: 500, reference: 'order-1' });
      cancelled = await start({ transType: 'SALE', amountTrans: 2000, reference: 'order-3' });
      await request(t.app).delete(TX_PATH).query({ uti: cancelled }).set('Authorization', t.token).expect(200);
      t.clock.advance(MINUTE_MS);
      inProgress = await start({ transType: 'SALE', amountTrans: 3000 });
    });

    it('lists every transaction newest first, without receipts, and no next cursor when all fit', async () => {
      const res = await search();
      expect(res.status).toBe(200);
      expect(utisOf(res)).toEqual([inProgress, cancelled, refund, declined, sale1]);
      expect(pageOf(res).nextCursor).toBeNull();
      const listed = pageOf(res).transactions;
      expect(listed.map((tx) => tx.createdAt)).toEqual([4, 3, 2, 1, 0].map((m) => new Date(t0 + m * MINUTE_MS).toISOString()));
      for (const tx of listed) {
        expect(tx).not.toHaveProperty('cardholderReceipt');
        expect(tx).not.toHaveProperty('merchantReceipt');
      }
    });

    it('shows a transaction in progress with its stage and without transApproved', async () => {
      const [tx] = pageOf(await search({ status: 'IN_PROGRESS' })).transactions;
      expect(tx).toMatchObject({ uti: inProgress, status: 'IN_PROGRESS', stage: 'AWAITING_CARD' });
      expect(tx).not.toHaveProperty('transApproved');
    });

    it.each([
      ['reference', { reference: 'order-1' }, () => [refund, sale1]],
      ['an unknown reference', { reference: 'order-404' }, () => []],
      ['status', { status: 'DECLINED' }, () => [declined]],
      ['status APPROVED', { status: 'APPROVED' }, () => [refund, sale1]],
      ['status CANCELLED', { status: 'CANCELLED' }, () => [cancelled]],
      ['type', { type: 'REFUND' }, () => [refund]],
      ['reference and type together', { reference: 'order-1', type: 'SALE' }, () => [sale1]],
      ['from (inclusive)', { from: new Date(t0 + 2 * MINUTE_MS).toISOString() }, () => [inProgress, cancelled, refund]],
      ['to (exclusive)', { to: new Date(t0 + 2 * MINUTE_MS).toISOString() }, () => [declined, sale1]],
      ['from and to', { from: new Date(t0 + MINUTE_MS).toISOString(), to: new Date(t0 + 3 * MINUTE_MS).toISOString() }, () => [refund, declined]],
      ['a date without a time', { from: '2025-04-29' }, () => []],
    ] as const)('filters by %s', async (_name, query, expected) => {
      const res = await search(query);
      expect(res.status).toBe(200);
      expect(utisOf(res)).toEqual(expected());
    });
  });

  describe('paging', () => {
    it('pages 45 transactions by 20 as 20 + 20 + 5, newest first, with no duplicates and a null cursor at the end', async () => {
      const made: string[] = [];
      for (let i = 0; i < 45; i++) made.push(await pay({ transType: 'SALE', amountTrans: 1000 + (i % 40) * 100 })); // up to 49.00: no PIN for the tapped card

      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const res = await search({ limit: '20', ...(cursor ? { cursor } : {}) });
        expect(res.status).toBe(200);
        pages.push(utisOf(res));
        cursor = pageOf(res).nextCursor ?? undefined;
        if (cursor !== undefined) expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      } while (cursor !== undefined && pages.length < 10);

      expect(pages.map((p) => p.length)).toEqual([20, 20, 5]);
      expect(pages.flat()).toEqual([...made].reverse());
      expect(new Set(pages.flat()).size).toBe(45);
    });

    it('keeps the filters across pages', async () => {
      for (let i = 0; i < 5; i++) await pay({ transType: 'SALE', amountTrans: 1000, reference: i % 2 === 0 ? 'even' : 'odd' });
      const first = await search({ reference: 'even', limit: '2' });
      expect(pageOf(first).transactions).toHaveLength(2);
      const second = await search({ reference: 'even', limit: '2', cursor: pageOf(first).nextCursor! });
      expect(pageOf(second).transactions).toHaveLength(1);
      expect(pageOf(second).nextCursor).toBeNull();
      expect([...pageOf(first).transactions, ...pageOf(second).transactions].every((tx) => tx.reference === 'even')).toBe(true);
    });

    it('answers 20 transactions when no limit is given', async () => {
      for (let i = 0; i < 21; i++) await pay({ transType: 'SALE', amountTrans: 1000 });
      const res = await search();
      expect(pageOf(res).transactions).toHaveLength(20);
      expect(pageOf(res).nextCursor).toEqual(expect.any(String));
    });
  });

  describe('rejected queries', () => {
    it.each([
      ['limit=101', { limit: '101' }, 'limit'],
      ['limit=0', { limit: '0' }, 'limit'],
      ['limit=ten', { limit: 'ten' }, 'limit'],
      ['a cursor that is not from a page', { cursor: 'garbage' }, 'cursor'],
      ['a cursor with forbidden characters', { cursor: 'not a cursor!' }, 'cursor'],
      ['an unknown status', { status: 'PENDING' }, 'status'],
      ['an unknown type', { type: 'PAYOUT' }, 'type'],
      ['a from that is not a date', { from: 'yesterday' }, 'from'],
      ['a to that is not a real date', { to: '2025-13-45' }, 'to'],
      ['an unknown filter', { amount: '1000' }, 'amount'],
    ])('answers 400 VALIDATION_FAILED for %s', async (_name, query, field) => {
      const body = expectProblem(await search(query), 400, 'VALIDATION_FAILED');
      expect(body.errors!.map((e) => e.field)).toEqual([field]);
    });

    it('accepts limit=100', async () => {
      expect((await search({ limit: '100' })).status).toBe(200);
    });

    it('answers 401 without a token and 403 to a technician', async () => {
      expectProblem(await request(t.app).get(SEARCH_PATH), 401, 'UNAUTHORIZED');
      expectProblem(
        await request(t.app)
          .get(SEARCH_PATH)
          .set('Authorization', await t.pairTechnician()),
        403,
        'FORBIDDEN',
      );
    });
  });

  describe('query plans (what keeps a search fast with a million rows)', () => {
    /** The SQL that the search itself prepared for `query`, and SQLite's plan for it. */
    const planFor = async (query: Record<string, string>) => {
      const prepare = jest.spyOn(t.ctx.db, 'prepare');
      expect((await search(query)).status).toBe(200);
      const sql = prepare.mock.calls.map(([s]) => s).find((s) => /FROM transactions/.test(s) && /ORDER BY created_at DESC, id DESC/.test(s));
      prepare.mockRestore();
      expect(sql).toBeDefined();
      const params = { reference: 'r', status: 'APPROVED', type: 'SALE', from: 0, to: 2e12, cursorAt: 2e12, cursorId: 10, limit: 21 };
      const used = Object.fromEntries(Object.entries(params).filter(([k]) => sql!.includes(`@${k}`)));
      return (t.ctx.db.prepare(`EXPLAIN QUERY PLAN ${sql!}`).all(used) as { detail: string }[]).map((r) => r.detail).join('\n');
    };

    it.each([
      ['reference', { reference: 'order-1' }, /SEARCH transactions USING INDEX transactions_reference \(reference=\?/],
      ['status', { status: 'APPROVED' }, /SEARCH transactions USING INDEX transactions_status \(status=\?/],
      ['type', { type: 'SALE' }, /SEARCH transactions USING INDEX transactions_type \(trans_type=\?/],
    ])('looks up the %s filter in its index, already in newest-first order', async (_name, query, expected) => {
      const plan = await planFor(query);
      expect(plan).toMatch(expected);
      expect(plan).not.toMatch(/SCAN transactions/);
      expect(plan).not.toMatch(/TEMP B-TREE/);
    });

    it('pages with the cursor from where the last page ended, not by scanning what came before', async () => {
      await pay({ transType: 'SALE', amountTrans: 1000 });
      await pay({ transType: 'SALE', amountTrans: 1000 });
      const first = await search({ limit: '1' });
      const plan = await planFor({ limit: '1', cursor: pageOf(first).nextCursor! });
      expect(plan).toMatch(/SEARCH transactions USING INDEX transactions_created \(\(created_at,rowid\)<\(\?,\?\)\)/);
      expect(plan).not.toMatch(/TEMP B-TREE/);
    });

    it('reads a date range from the time index, already in newest-first order', async () => {
      const plan = await planFor({ from: '2020-01-01', to: '2030-01-01' });
      expect(plan).toMatch(/SEARCH transactions USING INDEX transactions_created \(created_at>\? AND created_at<\?\)/);
      expect(plan).not.toMatch(/TEMP B-TREE/);
    });

    it('combines a status and a date range in one index', async () => {
      const plan = await planFor({ status: 'APPROVED', from: '2020-01-01' });
      expect(plan).toMatch(/SEARCH transactions USING INDEX transactions_status \(status=\? AND created_at>\?\)/);
      expect(plan).not.toMatch(/TEMP B-TREE/);
    });
  });
});
