import { existsSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { BASE_PATH, createApp } from '../../../src/app';
import { openDatabase } from '../../../src/db/open';
import { pairPos, pairTechnician, testContext, type TestContext } from '../../helpers/context';
import { countByIndex, damagePage, leafPages, pokeFromOutside, seedTransactions } from '../../helpers/damage';
import { expectProblem } from '../../helpers/problem';
import { MANUAL_SIMULATOR_ENV, TX_PATH, getStatus } from '../../helpers/payments';
import { cleanupEposd, makeTempDir } from '../../helpers/process';
import { bodyOf, type AnyAnswer } from '../../helpers/bodies';

// A damaged page in the `transactions` table (a disk that went bad, a power cut on a cheap card): the
// terminal notices, takes no new payment, answers what it can still read and says so everywhere.
// The faults suite runs the same story against the real process (test/faults/storage-damage.test.ts).

const HOUR_MS = 3_600_000;

describe('A damaged database', () => {
  let t: TestContext;
  let app: ReturnType<typeof createApp>;
  let file: string;
  let utis: string[];
  afterEach(() => t?.ctx.destroy());
  afterAll(cleanupEposd);

  /** A database of 400 earlier sales on disk; answers the damaged leaf's first UTI and a UTI on a sound page. */
  function seeded(): { victim: string; survivor: string; leaf: number } {
    file = join(makeTempDir('eposd-corrupt-'), 'eposd.db');
    const db = openDatabase(file);
    utis = seedTransactions(db, 400, Date.parse('2025-04-28T08:00:00Z') - HOUR_MS);
    const leaves = leafPages(db, 'transactions');
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    expect(leaves.length).toBeGreaterThan(4);
    return { victim: utis[0]!, survivor: utis[utis.length - 1]!, leaf: leaves[0]! };
  }

  async function expectOutOfService(token: string, survivor: string, victim: string): Promise<void> {
    const health = await request(app).get(`${BASE_PATH}/health`);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'DEGRADED', problems: ['STORAGE_CORRUPT'] });

    const before = countByIndex(t.ctx.db);
    for (const body of [
      { transType: 'SALE', amountTrans: 1000 },
      { transType: 'SALE', amountTrans: 1000, uti: 'chosen-by-the-pos' },
    ]) {
      const refused = await request(app).post(TX_PATH).set('Authorization', token).send(body);
      expectProblem(refused, 503, 'STORAGE_CORRUPT');
      expect(bodyOf<AnyAnswer>(refused).uti).toBeUndefined();
    }
    expect(countByIndex(t.ctx.db)).toBe(before);
    expect(t.ctx.engine.current.name).toBe('IDLE');
    expectProblem(await request(app).post(`${BASE_PATH}/settlement`).set('Authorization', token), 503, 'STORAGE_CORRUPT');

    // What can be read is answered; what cannot says why, with nothing of SQLite's own words.
    expect((await getStatus(app, token, survivor)).body).toMatchObject({ uti: survivor, status: 'APPROVED' });
    const unreadable = await getStatus(app, token, victim);
    expectProblem(unreadable, 503, 'STORAGE_CORRUPT');
    expect(unreadable.text).not.toMatch(/sqlite|malformed|disk image/i);

    expect(t.ctx.screen.state().alerts?.join()).toMatch(/database is damaged/);
    expect(t.screenLines.at(-1)).toMatch(/ALERT: The database is damaged/);
    const technician = await pairTechnician(app, t.ctx);
    const diagnostics = await request(app).get(`${BASE_PATH}/diagnostics`).set('Authorization', technician);
    const report = bodyOf<AnyAnswer>(diagnostics);
    expect([diagnostics.status, report.detail]).toEqual([200, undefined]);
    expect(report.database?.storage?.state).toBe('CORRUPT');
    expect(report.database?.quickCheck).not.toBe('ok');
    expect(existsSync(file)).toBe(true);
  }

  it('When a leaf page of transactions is damaged before the start, then the start notices it and the terminal takes no new payment', async () => {
    const { victim, survivor, leaf } = seeded();
    // The POS paired while the file was sound.
    t = testContext({ env: MANUAL_SIMULATOR_ENV, db: openDatabase(file) });
    const token = await pairPos(createApp(t.ctx), t.ctx);
    t.ctx.destroy();
    damagePage(file, leaf);
    t = testContext({ env: MANUAL_SIMULATOR_ENV, db: openDatabase(file) });
    t.ctx.start();
    app = createApp(t.ctx);
    expect(t.ctx.storage.state.name).toBe('CORRUPT');
    await expectOutOfService(token, survivor, victim);
    // No POS pairs with a damaged database (a technician still can: expectOutOfService did).
    await expect(pairPos(app, t.ctx)).rejects.toThrow(/503 .*STORAGE_CORRUPT/);
  });

  it('When SQLite reports damage while the terminal runs, then from that moment it takes no new payment', async () => {
    const { victim, survivor, leaf } = seeded();
    t = testContext({ env: MANUAL_SIMULATOR_ENV, db: openDatabase(file) });
    t.ctx.start();
    app = createApp(t.ctx);
    const token = await pairPos(app, t.ctx);
    expect(bodyOf<AnyAnswer>(await request(app).get(`${BASE_PATH}/health`)).status).toBe('UP');
    t.ctx.db.pragma('wal_checkpoint(TRUNCATE)');
    damagePage(file, leaf);
    pokeFromOutside(file);
    // The first read that meets the damaged page takes the terminal out of service.
    expectProblem(await getStatus(app, token, victim), 503, 'STORAGE_CORRUPT');
    expect(t.ctx.storage.state.name).toBe('CORRUPT');
    await expectOutOfService(token, survivor, victim);
  });

  it('When the database is sound, then /health says UP with no problems and payments are taken', async () => {
    seeded();
    t = testContext({ env: MANUAL_SIMULATOR_ENV, db: openDatabase(file) });
    t.ctx.start();
    app = createApp(t.ctx);
    expect((await request(app).get(`${BASE_PATH}/health`)).body).not.toHaveProperty('problems');
    const res = await request(app)
      .post(TX_PATH)
      .set('Authorization', await pairPos(app, t.ctx))
      .send({ transType: 'SALE', amountTrans: 1000 });
    expect(res.status).toBe(200);
    t.ctx.engine.cancel(bodyOf<AnyAnswer>(res).uti!, 'POS_CANCELLED');
  });
});
