import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { httpsJson } from '../helpers/http';
import { cleanupEposd, makeTempDir, startEposd, type EposdProcess } from '../helpers/process';
import { auth, finalStatus, pairWithScreenCode, startSale, startTransaction } from '../helpers/terminal';
import { startBridgeSim, stopBridgeSims, type BridgeSimProcess } from '../helpers/bridge-sim';
import type { DiagnosticsReport, FinalStatus } from '../helpers/bodies';

// Issue 14: the whole payment journey through eposd-bridge-sim, a payment app in its own process,
// over a Unix domain socket and over loopback TCP with a shared secret. The engine, the statuses and
// the stages the POS sees are the same as with the built-in simulator.

const SECRET = 'a-shared-secret-of-32-characters';

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('eposd driving eposd-bridge-sim over a Unix domain socket', () => {
  let dir: string;
  let socket: string;
  let store: string;
  let sim: BridgeSimProcess;
  let eposd: EposdProcess;
  let token: string;
  let tech: string;

  beforeAll(async () => {
    dir = makeTempDir('eposd-bridge-');
    socket = join(dir, 'bridge.sock');
    store = join(dir, 'bridge-sim.json');
    sim = await startBridgeSim(['--socket', socket, '--store', store], { EPOSD_SIM_CARD_DELAY_MS: '100', EPOSD_SIM_AUTH_DELAY_MS: '50' });
    eposd = await startEposd({ env: { EPOSD_DRIVER: 'bridge', EPOSD_BRIDGE_SOCKET: socket, EPOSD_BRIDGE_GRACE_MS: '3000' } });
    token = (await pairWithScreenCode(eposd, { registerId: 'till-1' })).authToken;
    tech = (await pairWithScreenCode(eposd, { registerId: 'tech', role: 'technician' })).authToken;
  });

  afterAll(async () => {
    await stopBridgeSims();
    await cleanupEposd();
  });

  const diagnostics = () => httpsJson<DiagnosticsReport & { paymentApp: Record<string, unknown> }>(`${eposd.apiUrl}/diagnostics`, { headers: auth(tech) });

  it('approves a sale, with the stages, the masked PAN and the receipts, and the app remembers it', async () => {
    await until('the bridge connected', diagnostics, (d) => d.body.paymentApp.state === 'CONNECTED');
    const uti = await startSale(eposd, token, 1000);
    const stages = new Set<string>();
    const final = await until(
      'the final status',
      async () => {
        const res = await httpsJson<FinalStatus & { stage?: string }>(`${eposd.apiUrl}/transaction?uti=${uti}`, { headers: auth(token) });
        if (res.body.stage) stages.add(res.body.stage);
        return res;
      },
      (r) => r.status === 200,
    );
    expect(final.body).toMatchObject({ status: 'APPROVED', transApproved: true, transactionResponse: '00', primaryAccountNumber: '47**********0010', transactionSource: 'PICC' });
    expect(stages.size).toBeGreaterThan(0);
    expect([...stages].every((s) => ['AWAITING_CARD', 'READING_CARD', 'AWAITING_PIN', 'AUTHORIZING'].includes(s))).toBe(true);
    expect(final.body.merchantReceipt.length).toBeGreaterThan(0);
    // The payment app owns the printer: both copies went to it as print messages.
    await sim.waitFor(/print \d+ lines/);
    const remembered = JSON.parse(readFileSync(store, 'utf8')) as { payments: Record<string, { result: { outcome: string } }> };
    expect(remembered.payments[uti]?.result.outcome).toBe('APPROVED');
  });

  it('asks for the PIN above the contactless limit and declines the test amounts as the simulator does', async () => {
    const pin = await finalStatus(eposd, token, await startSale(eposd, token, 6000));
    expect(pin).toMatchObject({ status: 'APPROVED', cardholderVerificationMethod: 'PIN', transactionSource: 'ICC' });
    const declined = await finalStatus(eposd, token, await startSale(eposd, token, 1051));
    expect(declined).toMatchObject({ status: 'DECLINED', statusReason: 'INSUFFICIENT_FUNDS', transactionResponse: '51', transApproved: false });
    const cancelled = await finalStatus(eposd, token, await startSale(eposd, token, 1097));
    expect(cancelled).toMatchObject({ status: 'CANCELLED', statusReason: 'CUSTOMER_CANCELLED' });
  });

  it('carries the payment-breadth fields to the app and records its brand, EMV data and partial approval', async () => {
    const body = { transType: 'SALE', amountTrans: 2010, tipAmount: 190, allowPartialApproval: true, metadata: { order: '42' }, description: 'Table 7', locale: 'de' };
    const final = (await finalStatus(eposd, token, await startTransaction(eposd, token, body))) as FinalStatus & Record<string, unknown>;
    // Test amount ending 10: the app approves half of what is charged (2010 + 190), as the built-in host does.
    expect(final).toMatchObject({ status: 'APPROVED', tipAmount: 190, totalAmount: 2200, amountAuthorised: 1100, partialApproval: true, cardBrand: 'VISA', metadata: { order: '42' }, locale: 'de' });
    expect(final.emv).toMatchObject({ cryptogramType: 'TC' });
    expect((final.emv as { tvr: string }).tvr).toMatch(/^[0-9A-F]{10}$/);
    // Without allowPartialApproval the same amount is declined 51.
    const refusedPartial = await finalStatus(eposd, token, await startSale(eposd, token, 2010));
    expect(refusedPartial).toMatchObject({ status: 'DECLINED', transactionResponse: '51' });
  });

  it('voids an approved sale through the app (REVERSAL carries no card)', async () => {
    const sale = await startSale(eposd, token, 1200);
    await finalStatus(eposd, token, sale);
    const reversal = await startTransaction(eposd, token, { transType: 'REVERSAL', uti: sale });
    expect(await finalStatus(eposd, token, reversal)).toMatchObject({ status: 'APPROVED', transactionType: 'REVERSAL' });
  });

  it('answers 503 PAYMENT_APP_UNAVAILABLE with Retry-After while the app is gone, creates nothing, and takes payments again once it is back', async () => {
    await sim.kill();
    await until('the bridge seen as gone', diagnostics, (d) => d.body.paymentApp.state !== 'CONNECTED');
    const before = (await httpsJson<{ transactions: unknown[] }>(`${eposd.apiUrl}/transactions?limit=100`, { headers: auth(token) })).body.transactions.length;
    const refused = await httpsJson(`${eposd.apiUrl}/transaction`, { method: 'POST', headers: auth(token), body: { transType: 'SALE', amountTrans: 1000 } });
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('2');
    expect(refused.body).toMatchObject({ code: 'PAYMENT_APP_UNAVAILABLE' });
    const after = (await httpsJson<{ transactions: unknown[] }>(`${eposd.apiUrl}/transactions?limit=100`, { headers: auth(token) })).body.transactions.length;
    expect(after).toBe(before);
    const diag = await diagnostics();
    expect(diag.body.paymentApp).toMatchObject({ driver: 'bridge', protocol: 'eposd-bridge/2' });
    expect(String(diag.body.paymentApp.lastError)).toMatch(/CONNECT_FAILED|ECONNRESET|ENOENT|ECONNREFUSED/);

    sim = await startBridgeSim(['--socket', socket, '--store', store], { EPOSD_SIM_CARD_DELAY_MS: '50', EPOSD_SIM_AUTH_DELAY_MS: '0' });
    await until('the bridge back', diagnostics, (d) => d.body.paymentApp.state === 'CONNECTED' && d.body.paymentApp.reconciling === false);
    expect(await finalStatus(eposd, token, await startSale(eposd, token, 1300))).toMatchObject({ status: 'APPROVED' });
  });
});

describe('eposd and a payment app of another protocol version', () => {
  afterAll(async () => {
    await stopBridgeSims();
    await cleanupEposd();
  });

  it('never connects: diagnostics say INCOMPATIBLE with the reason, and payments answer 503', async () => {
    const socket = join(makeTempDir('eposd-bridge-v1-'), 'bridge.sock');
    await startBridgeSim(['--socket', socket, '--protocol', 'eposd-bridge/1']);
    const eposd = await startEposd({ env: { EPOSD_DRIVER: 'bridge', EPOSD_BRIDGE_SOCKET: socket } });
    const token = (await pairWithScreenCode(eposd, { registerId: 'till-1' })).authToken;
    const tech = (await pairWithScreenCode(eposd, { registerId: 'tech', role: 'technician' })).authToken;
    const diag = await until(
      'the mismatch in diagnostics',
      () => httpsJson<{ paymentApp: { state: string; lastError: string | null } }>(`${eposd.apiUrl}/diagnostics`, { headers: auth(tech) }),
      (d) => /UNSUPPORTED_VERSION/.test(d.body.paymentApp.lastError ?? ''),
    );
    expect(diag.body.paymentApp.state).not.toBe('CONNECTED');
    const refused = await httpsJson(`${eposd.apiUrl}/transaction`, { method: 'POST', headers: auth(token), body: { transType: 'SALE', amountTrans: 1000 } });
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: 'PAYMENT_APP_UNAVAILABLE' });
  });
});

describe('eposd driving eposd-bridge-sim over loopback TCP with a shared secret', () => {
  afterAll(async () => {
    await stopBridgeSims();
    await cleanupEposd();
  });

  it('approves a sale with the right secret, and never connects with a wrong one', async () => {
    const sim = await startBridgeSim(['--port', '0', '--secret', SECRET]);
    const good = await startEposd({ env: { EPOSD_DRIVER: 'bridge', EPOSD_BRIDGE_PORT: String(sim.port), EPOSD_BRIDGE_SECRET: SECRET } });
    const token = (await pairWithScreenCode(good, { registerId: 'till-1' })).authToken;
    const uti = await until(
      'a payment accepted',
      () => httpsJson<{ uti: string }>(`${good.apiUrl}/transaction`, { method: 'POST', headers: auth(token), body: { transType: 'SALE', amountTrans: 700 } }),
      (r) => r.status === 200,
    );
    expect(await finalStatus(good, token, uti.body.uti)).toMatchObject({ status: 'APPROVED' });
    // The sim serves one eposd at a time (ALREADY_CONNECTED to a second): the good one leaves first.
    expect(await good.stop()).toBe(0);

    const bad = await startEposd({ env: { EPOSD_DRIVER: 'bridge', EPOSD_BRIDGE_PORT: String(sim.port), EPOSD_BRIDGE_SECRET: 'not-the-shared-secret-at-all' } });
    const badToken = (await pairWithScreenCode(bad, { registerId: 'till-1' })).authToken;
    const badTech = (await pairWithScreenCode(bad, { registerId: 'tech', role: 'technician' })).authToken;
    // Refused, not merely not connected yet: the app's proof of the secret (in hello.ok) does not match
    // the one eposd expects with its own, so eposd trusts it with nothing, and diagnostics say so.
    const diag = await until(
      'eposd to refuse the payment app over the secret',
      () => httpsJson<{ paymentApp: { state: string; lastError: string | null } }>(`${bad.apiUrl}/diagnostics`, { headers: auth(badTech) }),
      (d) => /^UNTRUSTED: the payment app did not prove it holds the shared secret/.test(d.body.paymentApp.lastError ?? ''),
    );
    expect(diag.body.paymentApp.state).not.toBe('CONNECTED');
    const refused = await httpsJson(`${bad.apiUrl}/transaction`, { method: 'POST', headers: auth(badToken), body: { transType: 'SALE', amountTrans: 700 } });
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: 'PAYMENT_APP_UNAVAILABLE' });
  });
});
