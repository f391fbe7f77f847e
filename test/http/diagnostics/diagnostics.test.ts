import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import { MIGRATIONS } from '../../../src/db/migrations';
import { openDatabase } from '../../../src/db/open';
import { AUDIT_ENTRIES_SHOWN } from '../../../src/diagnostics/diagnostics.service';
import { SimulatedCardReader } from '../../../src/reader/simulator/reader.simulator';
import { TEST_CARD_IDS, TEST_CARDS, cvmFor, type TestCardId } from '../../../src/reader/simulator/test-cards';
import { silentLogger } from '../../../src/shared/logger';
import { VERSION } from '../../../src/shared/version';
import { useApi } from '../../helpers/api';
import { bodyOf, type DiagnosticsReport, type PairingAnswer, type SelfTest } from '../../helpers/bodies';
import { TEST_ADDRESS, TEST_FINGERPRINT, TEST_TID } from '../../helpers/context';
import { MANUAL_SIMULATOR_ENV, startPayment, TX_PATH, untilIdleAfter, untilStage } from '../../helpers/payments';
import { expectProblem } from '../../helpers/problem';
import { leaksIn, luhnValid, SIMULATOR_PANS } from '../../helpers/secrets';
import { expectAny } from '../../helpers/matchers';

const DIAGNOSTICS = `${BASE_PATH}/diagnostics`;
const SELF_TEST = `${BASE_PATH}/diagnostics/self-test`;
const NOT_AFTER = new Date('2035-04-28T00:00:00.000Z');
const delivered = (() => Promise.resolve(new Response(null, { status: 204 }))) as typeof fetch;

describe('GET /payntpos/1.0.0/diagnostics', () => {
  let dir: string;
  const t = useApi(() => {
    dir = mkdtempSync(join(tmpdir(), 'eposd-diagnostics-'));
    return { env: MANUAL_SIMULATOR_ENV, db: openDatabase(join(dir, 'eposd.db')), certificateNotAfter: NOT_AFTER, fetch: delivered };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  let tech: string;
  let pos: string;
  beforeEach(async () => {
    tech = await t.pairTechnician();
    pos = await t.pairPos();
  });

  const diagnostics = async (): Promise<DiagnosticsReport> => {
    const res = await request(t.app).get(DIAGNOSTICS).set('Authorization', tech);
    expect(res.status).toBe(200);
    return bodyOf<DiagnosticsReport>(res);
  };
  const start = (amount: number, token = pos) => startPayment(t.app, token, { transType: 'SALE', amountTrans: amount });
  /** A payment as a person at the terminal makes it: the card presented and the PIN typed on the screen. */
  const payWith = async (card: TestCardId, amount: number, token = pos): Promise<string> => {
    const uti = await start(amount, token);
    await request(t.screen).post('/screen/actions').send({ action: 'presentCard', card }).expect(200);
    if (cvmFor(TEST_CARDS[card], amount) === 'PIN') {
      await untilStage(t.ctx, uti, 'AWAITING_PIN');
      await request(t.screen).post('/screen/actions').send({ action: 'enterPin', pin: '1234' }).expect(200);
    }
    await untilIdleAfter(t.ctx, uti);
    return uti;
  };

  it('reports identity, version, uptime and clock', async () => {
    t.clock.advance(90_000);
    const report = await diagnostics();
    expect(report.identity).toEqual({ tid: TEST_TID, mid: '000000000000001', serialNumber: 'EPD000000001', merchantName: expectAny(String), currency: 'EUR', notes: [] });
    expect(report.version).toBe(VERSION);
    expect(report.uptimeSeconds).toBe(90);
    expect(report.clock).toEqual({ now: t.clock.now().toISOString(), timeZone: expectAny(String), utcOffsetMinutes: expectAny(Number), trusted: null, jumpMs: 0, runningDays: null });
  });

  it('reports the network addresses and ports, and the certificate fingerprint and expiry', async () => {
    const report = await diagnostics();
    expect(report.network).toEqual({ addresses: [TEST_ADDRESS], ports: { api: t.ctx.config.port, screen: t.ctx.config.screenPort } });
    expect(report.certificate).toEqual({ fingerprint: TEST_FINGERPRINT, notAfter: NOT_AFTER.toISOString() });
  });

  it('reports the database file and WAL sizes, the schema version and a quick_check of ok', async () => {
    const report = await diagnostics();
    expect(report.database).toEqual({
      sizeBytes: expectAny(Number),
      walBytes: expectAny(Number),
      schemaVersion: MIGRATIONS.length,
      quickCheck: 'ok',
      storage: { state: 'OK', lastCheck: null },
      lastPurge: null,
    });
    expect(report.database.sizeBytes).toBeGreaterThan(0);
    // Pairing wrote to the WAL and nothing has checkpointed it yet.
    expect(report.database.walBytes).toBeGreaterThan(0);
  });

  it('counts transactions by status', async () => {
    await payWith('visa-contactless', 1000);
    await payWith('mastercard-chip', 7500);
    await payWith('visa-contactless', 1005);
    await payWith('visa-declined', 3000);
    await payWith('amex-swipe', 2000);
    expect((await diagnostics()).transactions).toEqual({ APPROVED: 3, DECLINED: 2 });
  });

  it('shows the reader, the printer and the payment in progress while the terminal waits for a card', async () => {
    await payWith('visa-contactless', 1000);
    const uti = await start(4200);
    const report = await diagnostics();
    expect(report.reader).toEqual({ kind: 'simulator', mode: 'manual', state: 'AWAITING_CARD', lastError: null });
    expect(report.printer).toEqual({ status: 'OK', lastError: null, printed: expectAny(Number) });
    expect(report.currentTransaction).toEqual({ uti, transType: 'SALE', amount: 4200, state: 'AWAITING_CARD' });
    expect(report.transactions).toEqual({ APPROVED: 1, IN_PROGRESS: 1 });
  });

  it('shows no current transaction and an idle reader when nothing is in progress', async () => {
    const report = await diagnostics();
    expect(report.currentTransaction).toBeNull();
    expect(report.reader.state).toBe('IDLE');
  });

  it("shows the open batch with this batch's totals", async () => {
    await payWith('visa-contactless', 1000);
    await payWith('amex-swipe', 2000);
    const report = await diagnostics();
    expect(report.batch).toEqual(t.ctx.settlement.current());
    expect(report.batch).toMatchObject({ batchNumber: 1, status: 'OPEN' });
  });

  it('lists the registers with their role and state, and no token, hash or secret fields', async () => {
    await t.pair({ registerId: 'till-1' }); // pairs till-1 again: its first token is revoked
    const report = await diagnostics();
    expect(report.registers).toHaveLength(2);
    expect(report.registers).toEqual(
      expect.arrayContaining([
        { registerId: 'tech-1', registerName: 'tech-1', role: 'technician', pairedAt: expectAny(String), expiresAt: expectAny(String), revokedAt: null, webhook: false },
        { registerId: 'till-1', registerName: 'till-1', role: 'pos', pairedAt: expectAny(String), expiresAt: null, revokedAt: null, webhook: false },
      ]),
    );
    for (const r of report.registers) expect(Object.keys(r).filter((k) => /token|hash|secret|selector/i.test(k))).toEqual([]);
  });

  it('reports memory and event-loop lag', async () => {
    const { process: p } = await diagnostics();
    expect(p).toEqual({ rssBytes: expectAny(Number), heapUsedBytes: expectAny(Number), eventLoopLagMs: expectAny(Number) });
    expect(p.rssBytes).toBeGreaterThan(p.heapUsedBytes);
    expect(p.eventLoopLagMs).toBeGreaterThanOrEqual(0);
  });

  it('shows the latest 50 audit events, newest first, the previous diagnostics read on top', async () => {
    for (let i = 0; i < 40; i++) {
      t.clock.advance(1000);
      await request(t.app).get(TX_PATH).query({ uti: 'x' }).set('Authorization', `not-a-token-${i}`).expect(401);
    }
    await payWith('mastercard-chip', 7500);
    await payWith('visa-contactless', 1000);
    t.clock.advance(1000);
    await diagnostics();
    t.clock.advance(1000);
    const { audit } = await diagnostics();
    expect(audit).toHaveLength(AUDIT_ENTRIES_SHOWN);
    const times = audit.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(audit[0]).toEqual({
      at: new Date(t.clock.now().getTime() - 1000).toISOString(),
      actor: 'tech-1',
      role: 'technician',
      origin: expectAny(String),
      event: 'diagnostics.read',
      outcome: 'OK',
      uti: null,
    });
    expect(audit.map((e) => e.event)).toEqual(expect.arrayContaining(['transaction.start', 'transaction.awaiting_pin', 'auth.failed']));
  });

  it('never contains a token, a token hash, a webhook secret or a card number, after payments with every test card', async () => {
    expect(SIMULATOR_PANS.every(luhnValid)).toBe(true); // else the sweep below could not see them
    const tokens = [tech, pos];
    const hooked = await request(t.app).get(`${BASE_PATH}/pair`).query({ pairingCode: t.ctx.pairing.openWindow().code, registerId: 'till-2', callbackUrl: 'https://pos.example/eposd-webhook' });
    expect(hooked.status).toBe(200);
    const { authToken: hookedToken, webhookSecret } = bodyOf<PairingAnswer>(hooked);
    tokens.push(hookedToken);
    const revoked = await t.pairPos('till-3');
    tokens.push(revoked, await t.pairPos('till-3'));
    for (const card of TEST_CARD_IDS) await payWith(card, 7500, hookedToken);
    for (const card of TEST_CARD_IDS) await payWith(card, 1000);
    await t.ctx.webhooks.idle();
    const inProgress = await start(4200);

    const report = await diagnostics();
    const text = JSON.stringify(report);
    expect(leaksIn(text, { tokens, webhookSecrets: [webhookSecret!] })).toEqual([]);
    expect(text).not.toContain('"type":"Buffer"');
    // Not an empty report that trivially passes: the payments and the registers are in it.
    expect(report.currentTransaction?.uti).toBe(inProgress);
    expect(report.registers).toHaveLength(4);
    expect(report.webhooks).toEqual({ pending: 0, delivered: TEST_CARD_IDS.length, failed: 0 });
  });
});

describe('POST /payntpos/1.0.0/diagnostics/self-test', () => {
  const t = useApi();

  it('answers 200 with the database, reader and printer checks all ok', async () => {
    const res = await request(t.app)
      .post(SELF_TEST)
      .set('Authorization', await t.pairTechnician());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ok: true,
      checks: [
        { name: 'database', ok: true, ms: expectAny(Number), detail: 'integrity_check ok' },
        { name: 'reader', ok: true, ms: expectAny(Number), detail: 'simulator answered' },
        { name: 'printer', ok: true, ms: expectAny(Number), detail: 'printer answered' },
      ],
    });
  });

  it('answers ok: false naming the failed check when the reader does not answer, and diagnostics shows it as the reader’s last error', async () => {
    const reader = new SimulatedCardReader({ mode: 'manual', cardDelayMs: 0, pinDelayMs: 0, logger: silentLogger });
    reader.ping = () => Promise.reject(new Error('reader did not answer'));
    await t.rebuild({ reader });
    const tech = await t.pairTechnician();
    const res = await request(t.app).post(SELF_TEST).set('Authorization', tech);
    // The self-test ran and has a result to report: the answer is the result, not an HTTP failure.
    expect(res.status).toBe(200);
    const { ok, checks } = bodyOf<SelfTest>(res);
    expect(ok).toBe(false);
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ['database', true],
      ['reader', false],
      ['printer', true],
    ]);
    const report = bodyOf<DiagnosticsReport>(await request(t.app).get(DIAGNOSTICS).set('Authorization', tech));
    expect(report.reader.lastError).toBe('reader did not answer');
  });

  it('answers 403 to a POS token and 401 without one', async () => {
    expectProblem(
      await request(t.app)
        .post(SELF_TEST)
        .set('Authorization', await t.pairPos()),
      403,
      'FORBIDDEN',
    );
    expectProblem(await request(t.app).post(SELF_TEST), 401, 'UNAUTHORIZED');
  });
});
