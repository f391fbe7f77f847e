import { join } from 'node:path';
import { httpsJson } from '../helpers/http';
import { cleanupEposd, makeTempDir, startEposd, type EposdProcess } from '../helpers/process';
import { auth, finalStatus, pairWithScreenCode, screenAction, startSale, untilScreen } from '../helpers/terminal';
import { startBridgeSim, stopBridgeSims, type BridgeSimProcess } from '../helpers/bridge-sim';
import type { DiagnosticsReport } from '../helpers/bodies';

// Issue 14: eposd-bridge-sim's manual mode driven from the screen page, as the built-in simulator's is.
// The page's buttons (the same HTTP actions it calls) go screen → bridge driver → simulator.action →
// the payment app, only when the app lists the capability "simulator" in hello.ok.

interface Running {
  sim: BridgeSimProcess;
  eposd: EposdProcess;
  token: string;
  tech: string;
}

async function start(simArgs: string[]): Promise<Running> {
  const socket = join(makeTempDir('eposd-bridge-manual-'), 'bridge.sock');
  const sim = await startBridgeSim(['--socket', socket, ...simArgs]);
  const eposd = await startEposd({ env: { EPOSD_DRIVER: 'bridge', EPOSD_BRIDGE_SOCKET: socket } });
  const token = (await pairWithScreenCode(eposd, { registerId: 'till-1' })).authToken;
  const tech = (await pairWithScreenCode(eposd, { registerId: 'tech', role: 'technician' })).authToken;
  return { sim, eposd, token, tech };
}

async function connectedBridge(r: Running): Promise<{ capabilities: string[] }> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const d = await httpsJson<DiagnosticsReport & { paymentApp: { state: string; reconciling: boolean; bridge: { capabilities: string[] } | null } }>(`${r.eposd.apiUrl}/diagnostics`, {
      headers: auth(r.tech),
    });
    const app = d.body.paymentApp;
    if (app.state === 'CONNECTED' && !app.reconciling && app.bridge) return app.bridge;
    if (Date.now() > deadline) throw new Error(`the bridge did not connect: ${JSON.stringify(app)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const press = (r: Running, body: Record<string, unknown>) => httpsJson<{ code?: string; detail?: string }>(`${r.eposd.screenUrl}screen/actions`, { method: 'POST', body });
const prompting = (r: Running, uti: string, prompt: string) => untilScreen(r.eposd, prompt, (s) => s.payment?.uti === uti && s.payment.prompt === prompt);

afterAll(async () => {
  await stopBridgeSims();
  await cleanupEposd();
});

describe('the screen page with eposd-bridge-sim in manual mode (capability "simulator")', () => {
  let r: Running;

  beforeAll(async () => {
    r = await start(['--mode', 'manual']);
    expect((await connectedBridge(r)).capabilities).toContain('simulator');
  });

  it('approves a sale driven from the screen: a chip card presented, then the PIN entered', async () => {
    const uti = await startSale(r.eposd, r.token, 1000);
    await prompting(r, uti, 'PRESENT_CARD');
    // The PIN before the card: the app is not asking for one, and says so.
    const early = await press(r, { action: 'enterPin', pin: '1234' });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'ACTION_NOT_POSSIBLE', detail: 'The payment application is not asking for a PIN.' });

    await screenAction(r.eposd, { action: 'presentCard', card: 'mastercard-chip' });
    await r.sim.waitFor(/cardholder presentCard mastercard-chip/);
    await prompting(r, uti, 'ENTER_PIN');
    await screenAction(r.eposd, { action: 'enterPin', pin: '1234' });
    await r.sim.waitFor(/cardholder enterPin/);

    const final = await finalStatus(r.eposd, r.token, uti);
    expect(final).toMatchObject({
      status: 'APPROVED',
      transApproved: true,
      transactionResponse: '00',
      primaryAccountNumber: '54**********0434',
      transactionSource: 'ICC',
      cardholderVerificationMethod: 'PIN',
    });
    // The digits stayed in eposd: the payment app was only told that a PIN was entered.
    expect(r.sim.lines.join('\n')).not.toContain('1234');
  });

  it('cancels from the screen as the cardholder at the payment app: CANCELLED / CUSTOMER_CANCELLED', async () => {
    const uti = await startSale(r.eposd, r.token, 1000);
    await prompting(r, uti, 'PRESENT_CARD');
    await screenAction(r.eposd, { action: 'cancel' });
    await r.sim.waitFor(/cardholder cancel/);
    expect(await finalStatus(r.eposd, r.token, uti)).toMatchObject({ status: 'CANCELLED', statusReason: 'CUSTOMER_CANCELLED' });
  });

  it('refuses a card when no payment waits for one, and still takes the cardholder on standard input', async () => {
    const idle = await press(r, { action: 'presentCard', card: 'visa-contactless' });
    expect(idle.status).toBe(409);
    expect(idle.body).toMatchObject({ code: 'ACTION_NOT_POSSIBLE', detail: 'The payment application is not waiting for a card.' });

    const uti = await startSale(r.eposd, r.token, 1000);
    await prompting(r, uti, 'PRESENT_CARD');
    r.sim.input('card visa-contactless');
    expect(await finalStatus(r.eposd, r.token, uti)).toMatchObject({ status: 'APPROVED', primaryAccountNumber: '47**********0010', transactionSource: 'PICC' });
  });
});

describe('the screen page with a payment app that does not offer the capability', () => {
  let r: Running;

  beforeAll(async () => {
    // Auto mode: the sim plays the cardholder itself and does not list "simulator", as a real payment app.
    r = await start([]);
    expect((await connectedBridge(r)).capabilities).not.toContain('simulator');
  });

  it('refuses the card and PIN buttons with the clear error, sends nothing, and cancels through eposd', async () => {
    // 1098: the card never comes by itself.
    const uti = await startSale(r.eposd, r.token, 1098);
    await prompting(r, uti, 'PRESENT_CARD');
    for (const body of [
      { action: 'presentCard', card: 'mastercard-chip' },
      { action: 'enterPin', pin: '1234' },
    ]) {
      const refused = await press(r, body);
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'ACTION_NOT_POSSIBLE', detail: 'This terminal has a real card reader: present a real card.' });
    }
    await screenAction(r.eposd, { action: 'cancel' });
    expect(await finalStatus(r.eposd, r.token, uti)).toMatchObject({ status: 'CANCELLED', statusReason: 'CUSTOMER_CANCELLED' });
    expect(r.sim.lines.some((l) => l.includes('cardholder'))).toBe(false);
  });
});
