import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import type { AuditEntry } from '../../../src/audit/audit.repository';
import { AUTH_FAILURES_PER_MINUTE } from '../../../src/audit/audit.service';
import { useApi } from '../../helpers/api';
import { otherCode } from '../../helpers/context';
import { MANUAL_SIMULATOR_ENV, startPayment, TX_PATH, untilIdleAfter, untilStage } from '../../helpers/payments';
import { stringMatching } from '../../helpers/matchers';

const DAY_MS = 86_400_000;
const LOOPBACK = /^(::ffff:)?127\.0\.0\.1$/;

describe('the audit trail', () => {
  const t = useApi({ env: MANUAL_SIMULATOR_ENV });

  /** The whole trail, oldest first. */
  const trail = (): AuditEntry[] => t.ctx.auditRepo.latest(1000).reverse();
  const only = (event: string) => trail().filter((e) => e.event === event);
  const now = () => t.clock.now().toISOString();

  const start = (token: string, amount: number) => startPayment(t.app, token, { transType: 'SALE', amountTrans: amount });

  it('records a pairing with the time, the register and its role, the origin address and OK', async () => {
    t.clock.advance(1000);
    await t.pairPos('till-1');
    await t.pairTechnician('tech-1');
    expect(only('pairing')).toEqual([
      { at: now(), actor: 'till-1', role: 'pos', origin: stringMatching(LOOPBACK), event: 'pairing', outcome: 'OK', uti: null },
      { at: now(), actor: 'tech-1', role: 'technician', origin: stringMatching(LOOPBACK), event: 'pairing', outcome: 'OK', uti: null },
    ]);
  });

  it('records a failed pairing as PAIRING_FAILED, with no register', async () => {
    const { code } = t.ctx.pairing.openWindow();
    await request(t.app)
      .get(`${BASE_PATH}/pair`)
      .query({ pairingCode: otherCode(code), registerId: 'till-1' })
      .expect(401);
    expect(only('pairing')).toEqual([{ at: now(), actor: null, role: null, origin: stringMatching(LOOPBACK), event: 'pairing', outcome: 'PAIRING_FAILED', uti: null }]);
  });

  it('records failed authentication: a missing token, an unknown one, and the wrong role with who it was', async () => {
    const pos = await t.pairPos('till-1');
    await request(t.app).get(`${TX_PATH}s`).expect(401);
    await request(t.app).get(`${TX_PATH}s`).set('Authorization', 'not-a-token').expect(401);
    await request(t.app).get(`${BASE_PATH}/diagnostics`).set('Authorization', pos).expect(403);
    expect(only('auth.failed').map(({ actor, role, outcome, origin }) => ({ actor, role, outcome, origin }))).toEqual([
      { actor: null, role: null, outcome: 'MISSING_TOKEN', origin: stringMatching(LOOPBACK) },
      { actor: null, role: null, outcome: 'INVALID_TOKEN', origin: stringMatching(LOOPBACK) },
      { actor: 'till-1', role: 'pos', outcome: 'FORBIDDEN', origin: stringMatching(LOOPBACK) },
    ]);
  });

  it('records the address the request came from, not one an X-Forwarded-For header claims', async () => {
    await request(t.app).get(`${TX_PATH}s`).set('X-Forwarded-For', '203.0.113.9').expect(401);
    expect(only('auth.failed')[0]!.origin).toMatch(LOOPBACK);
  });

  it('records at most 60 failed authentications a minute, then one entry saying how many were left out', async () => {
    for (let i = 0; i < AUTH_FAILURES_PER_MINUTE + 10; i++) await request(t.app).get(`${TX_PATH}s`).set('Authorization', `bad-${i}`).expect(401);
    expect(only('auth.failed')).toHaveLength(AUTH_FAILURES_PER_MINUTE);
    t.clock.advance(60_000);
    await request(t.app).get(`${TX_PATH}s`).expect(401);
    expect(
      only('auth.failed')
        .slice(-2)
        .map((e) => e.outcome),
    ).toEqual(['SUPPRESSED_10', 'MISSING_TOKEN']);
  });

  it('records the start and every step of a payment with its UTI, for the register that started it, and the outcome', async () => {
    const pos = await t.pairPos('till-1');
    const uti = await start(pos, 7500);
    await request(t.screen).post('/screen/actions').send({ action: 'presentCard', card: 'mastercard-chip' }).expect(200);
    await untilStage(t.ctx, uti, 'AWAITING_PIN');
    await request(t.screen).post('/screen/actions').send({ action: 'enterPin', pin: '1234' }).expect(200);
    await untilIdleAfter(t.ctx, uti);
    const forPayment = trail().filter((e) => e.uti === uti);
    // The POS's request, recorded once it was answered...
    expect(forPayment.filter((e) => e.event === 'transaction.start')).toEqual([
      { at: now(), actor: 'till-1', role: 'pos', origin: stringMatching(LOOPBACK), event: 'transaction.start', outcome: 'OK', uti },
    ]);
    // ...and every step the terminal committed, in order, done by the terminal for that register.
    const steps = forPayment.filter((e) => e.event !== 'transaction.start');
    expect(steps.map((e) => [e.event, e.outcome])).toEqual([
      ['transaction.awaiting_card', 'OK'],
      ['transaction.reading_card', 'OK'],
      ['transaction.awaiting_pin', 'OK'],
      ['transaction.authorizing', 'PIN_VERIFIED'],
      ['transaction.idle', 'APPROVED'],
    ]);
    for (const e of steps) expect(e).toEqual({ at: now(), actor: 'till-1', role: 'pos', origin: 'terminal', event: e.event, outcome: e.outcome, uti });
  });

  it('records a cancel by the POS with its UTI, and the payment ending CANCELLED', async () => {
    const pos = await t.pairPos('till-1');
    const uti = await start(pos, 1000);
    await request(t.app).delete(TX_PATH).query({ uti }).set('Authorization', pos).expect(200);
    expect(only('transaction.cancel')).toEqual([{ at: now(), actor: 'till-1', role: 'pos', origin: stringMatching(LOOPBACK), event: 'transaction.cancel', outcome: 'OK', uti }]);
    expect(
      trail()
        .filter((e) => e.uti === uti && e.event === 'transaction.idle')
        .map((e) => e.outcome),
    ).toEqual(['CANCELLED']);
  });

  it("records a refused cancel with the problem's code", async () => {
    const pos = await t.pairPos('till-1');
    await request(t.app).delete(TX_PATH).query({ uti: 'no-such-uti' }).set('Authorization', pos).expect(404);
    expect(only('transaction.cancel')).toMatchObject([{ actor: 'till-1', outcome: 'NOT_FOUND', uti: 'no-such-uti' }]);
  });

  it('records a settlement by a POS', async () => {
    const pos = await t.pairPos('till-1');
    await request(t.app).post(`${BASE_PATH}/settlement`).set('Authorization', pos).expect(200);
    expect(only('settlement.close')).toEqual([{ at: now(), actor: 'till-1', role: 'pos', origin: stringMatching(LOOPBACK), event: 'settlement.close', outcome: 'OK', uti: null }]);
  });

  it('records a settlement and an unpair-all made on the terminal screen', async () => {
    await t.pairPos('till-1');
    await request(t.screen).post('/screen/actions').send({ action: 'settle' }).expect(200);
    await request(t.screen).post('/screen/actions').send({ action: 'unpairAll' }).expect(200);
    expect(trail().slice(-2)).toEqual([
      { at: now(), actor: null, role: 'screen', origin: 'screen', event: 'settlement.close', outcome: 'OK', uti: null },
      { at: now(), actor: null, role: 'screen', origin: 'screen', event: 'unpair.all', outcome: 'OK', uti: null },
    ]);
  });

  it('records a register unpairing itself', async () => {
    const pos = await t.pairPos('till-1');
    await request(t.app).delete(`${BASE_PATH}/pair`).set('Authorization', pos).expect(204);
    expect(only('unpair')).toEqual([{ at: now(), actor: 'till-1', role: 'pos', origin: stringMatching(LOOPBACK), event: 'unpair', outcome: 'OK', uti: null }]);
  });

  it('records diagnostics access and self-tests by the technician, and shows them in the diagnostics audit', async () => {
    const tech = await t.pairTechnician('tech-1');
    await request(t.app).get(`${BASE_PATH}/diagnostics`).set('Authorization', tech).expect(200);
    await request(t.app).post(`${BASE_PATH}/diagnostics/self-test`).set('Authorization', tech).expect(200);
    const expected = (event: string) => ({ at: now(), actor: 'tech-1', role: 'technician', origin: stringMatching(LOOPBACK), event, outcome: 'OK', uti: null });
    expect(only('diagnostics.read')).toEqual([expected('diagnostics.read')]);
    expect(only('diagnostics.self-test')).toEqual([expected('diagnostics.self-test')]);
    const { audit } = (await request(t.app).get(`${BASE_PATH}/diagnostics`).set('Authorization', tech)).body as { audit: AuditEntry[] };
    expect(audit.slice(0, 2).map((e) => e.event)).toEqual(['diagnostics.self-test', 'diagnostics.read']);
  });

  it('purges entries older than the retention period with Retention.purge(), and keeps the newer ones', async () => {
    t.ctx.retention.mark('start'); // as ctx.start() does: the running time the purge counts runs from here
    const pos = await t.pairPos('till-1');
    await request(t.app).get(`${TX_PATH}s`).expect(401);
    const old = await start(pos, 1000);
    await request(t.app).delete(TX_PATH).query({ uti: old }).set('Authorization', pos).expect(200);
    // A record's age counts from the first mark after it (the terminal marks hourly): here, at once.
    t.ctx.retention.mark();
    t.clock.advance(t.ctx.config.retentionDays * DAY_MS - 1000);
    await request(t.app).post(`${BASE_PATH}/settlement`).set('Authorization', pos).expect(200);
    t.clock.advance(2000);
    const before = trail().length;

    expect(await t.ctx.retention.purge()).toBeGreaterThan(0);
    const left = trail();
    expect(left.map((e) => e.event)).toEqual(['settlement.close']);
    expect(before).toBeGreaterThan(left.length);
    expect(t.ctx.db.prepare('SELECT count(*) FROM audit_events').pluck().get()).toBe(1);
  });
});
