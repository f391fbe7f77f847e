import { join } from 'node:path';
import { unixConnector } from '../../src/bridge/link';
import { runConformance } from '../../src/bridge-conformance/checks';
import type { EndedPrompt, PromptAck } from '../../src/prompts/prompts.schemas';
import { startBridgeSim, stopBridgeSims, type BridgeSimProcess } from '../helpers/bridge-sim';
import { httpsJson } from '../helpers/http';
import { cleanupEposd, makeTempDir, startEposd, type EposdProcess } from '../helpers/process';
import { auth, pairWithScreenCode, screenState } from '../helpers/terminal';

// Through the bridge, a payment app that owns the cardholder's screen takes the POS's display and
// prompts (capabilities display and prompt: eposd-bridge-sim --screen); without them, eposd's own
// screen shows both.

async function terminal(simArgs: string[], simEnv: NodeJS.ProcessEnv = {}): Promise<{ sim: BridgeSimProcess; eposd: EposdProcess; token: string }> {
  const socket = join(makeTempDir('eposd-bridge-screen-'), 'bridge.sock');
  const sim = await startBridgeSim(['--socket', socket, ...simArgs], simEnv);
  const eposd = await startEposd({ env: { EPOSD_DRIVER: 'bridge', EPOSD_BRIDGE_SOCKET: socket } });
  await sim.waitFor(/eposd connected/);
  const token = (await pairWithScreenCode(eposd, { registerId: 'till-1' })).authToken;
  return { sim, eposd, token };
}

describe('the customer display and prompts through the bridge', () => {
  afterEach(async () => {
    await stopBridgeSims();
    await cleanupEposd();
  });

  it('an app with the capabilities gets the display and the prompt, and its cardholder’s answer reaches the POS', async () => {
    const { sim, eposd, token } = await terminal(['--screen', '--mode', 'auto'], { EPOSD_SIM_CARD_DELAY_MS: '200' });
    const call = <T>(method: string, path: string, body?: unknown) => httpsJson<T>(`${eposd.apiUrl}${path}`, { method, headers: auth(token), body });
    expect((await call('PUT', '/display', { lineItems: [{ name: 'Tea', quantity: 2, unitAmount: 250 }], qr: 'https://example.com/club' })).status).toBe(200);
    await sim.waitFor(/display 1 line\(s\) total 500 EUR qr/);
    const { promptId } = (await call<PromptAck>('POST', '/prompt', { type: 'email', title: 'Email for the receipt?' })).body;
    await sim.waitFor(new RegExp(`prompt email ${promptId}: Email for the receipt\\?`));
    const outcome = await call<EndedPrompt>('GET', `/prompt?promptId=${promptId}&wait=10`);
    expect(outcome).toMatchObject({ status: 200, body: { status: 'ANSWERED', value: 'cardholder@example.com' } });
    // eposd's own screen mirrored it, and has the display back.
    expect((await screenState(eposd)).screen).toBe('display');
  });

  it('checks the app’s answer as its own screen’s: a refusal goes back to the app, in the prompt’s language, and the prompt stays open', async () => {
    const { sim, eposd, token } = await terminal(['--screen', '--mode', 'manual']);
    const call = <T>(method: string, path: string, body?: unknown) => httpsJson<T>(`${eposd.apiUrl}${path}`, { method, headers: auth(token), body });
    const { promptId } = (await call<PromptAck>('POST', '/prompt', { type: 'phone', title: 'Teléfono?', locale: 'es' })).body;
    await sim.waitFor(/prompt phone/);
    sim.input('answer "912 345 678"');
    await sim.waitFor(new RegExp(`prompt ${promptId} refused: Escriba el número con el prefijo del país`));
    expect((await call('GET', `/prompt?promptId=${promptId}`)).status).toBe(202);
    sim.input('answer "+34 912 345 678"');
    expect((await call<EndedPrompt>('GET', `/prompt?promptId=${promptId}&wait=10`)).body).toMatchObject({ status: 'ANSWERED', value: '+34912345678' });
    // The POS takes the next one down: the app is told.
    const next = (await call<PromptAck>('POST', '/prompt', { type: 'confirm', title: 'Bag?' })).body.promptId;
    await sim.waitFor(/prompt confirm/);
    expect((await call<EndedPrompt>('DELETE', `/prompt?promptId=${next}`)).body).toMatchObject({ status: 'CANCELLED', statusReason: 'POS_CANCELLED' });
    await sim.waitFor(new RegExp(`prompt ${next} taken down`));
    // Away, an app that owns the screen cannot take a prompt: 503, as a payment.
    await sim.kill();
    const away = await call<{ code: string }>('POST', '/prompt', { type: 'confirm', title: 'Bag?' });
    expect(away).toMatchObject({ status: 503, body: { code: 'PAYMENT_APP_UNAVAILABLE' } });
    expect(away.headers['retry-after']).toBe('2');
  });

  it('the conformance kit runs its optional display and prompt checks against eposd-bridge-sim --screen, and skips them without', async () => {
    const dir = makeTempDir('eposd-conf-screen-');
    const screenFirst = (name: string) => name.startsWith('display.show') || name.startsWith('prompt.show');
    await startBridgeSim(['--socket', join(dir, 'with.sock'), '--screen']);
    const offered = await runConformance({ connect: unixConnector(join(dir, 'with.sock')), timeoutMs: 3000, only: screenFirst });
    expect(offered.map((r) => [r.ok, r.skipped ?? false, r.detail])).toEqual([
      [true, false, 'ack, ack'],
      [true, false, 'ack, ack, ack'],
    ]);
    await startBridgeSim(['--socket', join(dir, 'without.sock')]);
    const notOffered = await runConformance({ connect: unixConnector(join(dir, 'without.sock')), timeoutMs: 3000, only: screenFirst });
    expect(notOffered.map((r) => r.skipped)).toEqual([true, true]);
  });

  it('without the capabilities, eposd’s own screen shows the prompt', async () => {
    const { eposd, token } = await terminal(['--mode', 'manual']);
    const { promptId } = (await httpsJson<PromptAck>(`${eposd.apiUrl}/prompt`, { method: 'POST', headers: auth(token), body: { type: 'confirm', title: 'Bag?' } })).body;
    expect((await screenState(eposd)).prompt).toMatchObject({ promptId, title: 'Bag?' });
    await httpsJson(`${eposd.screenUrl}screen/actions`, { method: 'POST', body: { action: 'answerPrompt', promptId, value: false } });
    expect((await httpsJson<EndedPrompt>(`${eposd.apiUrl}/prompt?promptId=${promptId}`, { headers: auth(token) })).body).toMatchObject({ status: 'ANSWERED', value: false });
  });
});
