import { MIGRATIONS } from '../../src/db/migrations';
import { TEST_CARD_IDS, TEST_CARDS, cvmFor } from '../../src/reader/simulator/test-cards';
import { httpsJson } from '../helpers/http';
import { cleanupEposd, makeTempDir, startEposd, type EposdProcess } from '../helpers/process';
import { cardLikeNumbers, leaksIn, SIMULATOR_PANS } from '../helpers/secrets';
import { auth, finalStatus, pairWithScreenCode, screenAction, startSale, untilScreen } from '../helpers/terminal';
import { LOOPBACK_WEBHOOKS_ENV, WebhookReceiver } from '../helpers/webhook-receiver';
import { type DiagnosticsReport } from '../helpers/bodies';

// A generated MID is 15 random digits, Luhn-valid one time in ten: a fixed one that is not, so that
// the card-number search below cannot mistake the terminal's identity for a card.
const DEBUG = { ...LOOPBACK_WEBHOOKS_ENV, EPOSD_LOG_LEVEL: 'debug', EPOSD_SIM_CARD_DELAY_MS: '0', EPOSD_SIM_AUTH_DELAY_MS: '0', EPOSD_MID: '000000000000001' };

/** pino's own `time` (epoch milliseconds, 13 digits) is not data: it is left out of the card-number search. */
function withoutLineTimes(lines: string[]): string {
  return lines
    .map((line) => {
      try {
        const rest = JSON.parse(line) as Record<string, unknown>;
        delete rest.time;
        return JSON.stringify(rest);
      } catch {
        return line;
      }
    })
    .join('\n');
}

// A whole session of the real process at debug level, first with the reader in manual mode (every
// test card presented from the screen), then restarted on the same data in auto mode; then a sweep
// of everything it wrote on stdout and stderr.
describe('the logs of a session at debug level', () => {
  const tokens: string[] = [];
  const webhookSecrets: string[] = [];
  const lines: string[] = [];
  const statuses: Record<string, string> = {};
  const utis: string[] = [];
  let report: DiagnosticsReport;
  let eposd: EposdProcess;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    await receiver.start();
    const dataDir = makeTempDir('eposd-sweep-data-');
    const certDir = makeTempDir('eposd-sweep-certs-');

    eposd = await startEposd({ dataDir, certDir, env: { ...DEBUG, EPOSD_SIM_MODE: 'manual' } });
    const pos = await pairWithScreenCode(eposd, { registerId: 'till-1', callbackUrl: receiver.url });
    const tech = await pairWithScreenCode(eposd, { registerId: 'tech-1', role: 'technician' });
    const replaced = await pairWithScreenCode(eposd, { registerId: 'till-2' });
    const till2 = await pairWithScreenCode(eposd, { registerId: 'till-2' });
    tokens.push(pos.authToken, tech.authToken, replaced.authToken, till2.authToken);
    webhookSecrets.push(pos.webhookSecret!);

    for (const card of TEST_CARD_IDS) {
      const uti = await startSale(eposd, pos.authToken, 7500);
      await screenAction(eposd, { action: 'presentCard', card });
      if (cvmFor(TEST_CARDS[card], 7500) === 'PIN') {
        await untilScreen(eposd, 'Enter PIN', (s) => s.payment?.uti === uti && s.payment.prompt === 'ENTER_PIN');
        await screenAction(eposd, { action: 'enterPin', pin: '1234' });
      }
      statuses[card] = (await finalStatus(eposd, pos.authToken, uti)).status;
      utis.push(uti);
    }
    const cancelled = await startSale(eposd, till2.authToken, 2000);
    await screenAction(eposd, { action: 'cancel' });
    statuses.cancelled = (await finalStatus(eposd, till2.authToken, cancelled)).status;
    // A POS still using the token it had before it paired again.
    expect((await httpsJson(`${eposd.apiUrl}/transactions`, { headers: auth(replaced.authToken) })).status).toBe(401);
    report = (await httpsJson<DiagnosticsReport>(`${eposd.apiUrl}/diagnostics`, { headers: auth(tech.authToken) })).body;
    expect((await httpsJson(`${eposd.apiUrl}/diagnostics/self-test`, { method: 'POST', headers: auth(tech.authToken) })).status).toBe(200);
    await receiver.waitUntil('every outcome of till-1 delivered', () => receiver.delivered().length >= TEST_CARD_IDS.length);
    expect(await eposd.stop()).toBe(0);
    lines.push(...eposd.stdout(), ...eposd.stderr());

    eposd = await startEposd({ dataDir, certDir, env: DEBUG });
    for (const amount of [1000, 7500, 1005, 1096]) {
      const uti = await startSale(eposd, pos.authToken, amount);
      statuses[`auto ${amount}`] = (await finalStatus(eposd, pos.authToken, uti)).status;
      utis.push(uti);
    }
    expect((await httpsJson(`${eposd.apiUrl}/diagnostics`, { headers: auth(tech.authToken) })).status).toBe(200);
    expect(await eposd.stop()).toBe(0);
    lines.push(...eposd.stdout(), ...eposd.stderr());
  }, 120_000);

  afterAll(async () => {
    await receiver.stop();
    await cleanupEposd();
  });

  it('ran the payments it sweeps: every test card from the screen, and auto ones', () => {
    expect(statuses).toEqual({
      'visa-contactless': 'APPROVED',
      'mastercard-chip': 'APPROVED',
      'amex-swipe': 'APPROVED',
      'visa-declined': 'DECLINED',
      cancelled: 'CANCELLED',
      'auto 1000': 'APPROVED',
      'auto 7500': 'APPROVED',
      'auto 1005': 'DECLINED',
      'auto 1096': 'FAILED',
    });
  });

  it('wrote JSON lines at debug level on stderr, with every payment in them', () => {
    const logged = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg: string; uti?: string });
    expect(logged.some((l) => l.level === 20)).toBe(true);
    for (const uti of utis) expect(logged.some((l) => l.uti === uti && l.msg === 'transition')).toBe(true);
    expect(lines.some((l) => l.startsWith('[screen] SALE'))).toBe(true);
  });

  it('wrote no token, no secret half of one, and no hash of one', () => {
    expect(leaksIn(withoutLineTimes(lines), { tokens })).toEqual([]);
  });

  it('wrote no webhook secret', () => {
    expect(leaksIn(withoutLineTimes(lines), { webhookSecrets })).toEqual([]);
  });

  it("wrote none of the simulator's PANs and no Luhn-valid number of 13 to 19 digits", () => {
    const text = lines.join('\n');
    for (const pan of SIMULATOR_PANS) expect(text).not.toContain(pan);
    expect(cardLikeNumbers(withoutLineTimes(lines))).toEqual([]);
  });

  it('answered diagnostics from the real process: its certificate, ports, database file and no secret', () => {
    expect(report.certificate.fingerprint).toBe(eposd.fingerprint);
    expect(Date.parse(report.certificate.notAfter!)).toBeGreaterThan(Date.now());
    expect(report.identity.tid).toBe(eposd.tid);
    expect(report.network.ports.api).toBeGreaterThan(0);
    expect(report.network.ports.screen).toBeGreaterThan(0);
    expect(report.database).toMatchObject({ schemaVersion: MIGRATIONS.length, quickCheck: 'ok' });
    expect(report.database.sizeBytes).toBeGreaterThan(0);
    expect(report.transactions).toEqual({ APPROVED: 3, DECLINED: 1, CANCELLED: 1 });
    expect(leaksIn(JSON.stringify(report), { tokens, webhookSecrets })).toEqual([]);
  });
});
