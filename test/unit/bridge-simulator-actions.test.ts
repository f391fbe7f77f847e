import { BridgeClient } from '../../src/bridge/client';
import { BridgeSimulatorActions } from '../../src/bridge/simulator-actions';
import { ApiError } from '../../src/shared/errors';
import { silentLogger } from '../../src/shared/logger';
import { FakeBridge } from '../helpers/fake-bridge';

// Issue 14: the screen page's manual-mode buttons go to a test payment app as simulator.action, only
// when it lists the capability `simulator`; every refusal becomes a clear 409 in eposd's own words.

const clients: BridgeClient[] = [];
afterEach(() => clients.splice(0).forEach((c) => c.stop()));

async function connected(bridge: FakeBridge, requestTimeoutMs = 2000): Promise<BridgeSimulatorActions> {
  const client = new BridgeClient({ connect: bridge.channel.connector, logger: silentLogger, version: 'test', requestTimeoutMs });
  clients.push(client);
  client.start();
  await new Promise<void>((resolve) => client.once('up', () => resolve()));
  return new BridgeSimulatorActions(client);
}

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (err: unknown) => (err instanceof ApiError ? { code: err.code, status: err.status, detail: err.detail } : err),
  );

describe('simulator.action, the screen page forwarded to a test payment app', () => {
  it('When the app does not list `simulator`, then it is not available', async () => {
    expect((await connected(new FakeBridge())).available).toBe(false);
  });

  it('When the app lists it, then a presented card is sent with its id and resolves on ack; a PIN is sent without digits', async () => {
    const bridge = new FakeBridge(undefined, ['simulator']);
    const actions = await connected(bridge);
    expect(actions.available).toBe(true);
    const presented = actions.play('presentCard', 'mastercard-chip');
    const sent = await bridge.next('simulator.action');
    expect(sent).toEqual({ type: 'simulator.action', id: sent.id, action: 'presentCard', card: 'mastercard-chip' });
    bridge.send({ type: 'ack', re: sent.id });
    await expect(presented).resolves.toBeUndefined();
    const pin = actions.play('enterPin');
    const pinSent = await bridge.next('simulator.action');
    expect(pinSent).toEqual({ type: 'simulator.action', id: pinSent.id, action: 'enterPin' });
    bridge.send({ type: 'ack', re: pinSent.id });
    await pin;
  });

  it("When the app refuses, or never answers, then the screen gets 409 ACTION_NOT_POSSIBLE in eposd's words, not the app's", async () => {
    const bridge = new FakeBridge(undefined, ['simulator']);
    const actions = await connected(bridge, 200);
    const answer = async (action: 'presentCard' | 'enterPin', code: string) => {
      const p = refusal(actions.play(action, action === 'presentCard' ? 'visa-contactless' : undefined));
      const m = await bridge.next('simulator.action');
      bridge.send({ type: 'error', re: m.id, code, message: 'internal detail of the app' });
      return p;
    };
    expect(await answer('presentCard', 'NOT_POSSIBLE')).toEqual({ code: 'ACTION_NOT_POSSIBLE', status: 409, detail: 'The payment application is not waiting for a card.' });
    expect(await answer('enterPin', 'NOT_POSSIBLE')).toEqual({ code: 'ACTION_NOT_POSSIBLE', status: 409, detail: 'The payment application is not asking for a PIN.' });
    expect(await answer('presentCard', 'UNKNOWN_CARD')).toMatchObject({ code: 'ACTION_NOT_POSSIBLE', detail: 'The payment application does not know that test card.' });
    const hung = refusal(actions.play('cancel'));
    await bridge.next('simulator.action');
    expect(await hung).toEqual({ code: 'ACTION_NOT_POSSIBLE', status: 409, detail: 'The payment application did not take the action (TIMEOUT). Try again.' });
  });
});
