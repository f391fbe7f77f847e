import type { RunningGateway } from '../../../src/relay-gateway/gateway';
import { startBroker, type Broker } from '../../helpers/broker';
import { pairingCode, runPos } from '../../helpers/pos';
import { cleanupEposd, makeTempDir, startEposd, type EposdProcess } from '../../helpers/process';
import { API_KEY, testGateway } from '../../helpers/relay';
import { screenAction, untilScreen } from '../../helpers/terminal';
import { until } from '../../helpers/until';

// The customer display and prompts through the relay: the same endpoints, unchanged, signed end to end;
// a prompt's outcome comes back by long-poll (the relay carries no event stream).

const TID = '10000030';

describe('PUT /display and POST /prompt through the relay', () => {
  let broker: Broker;
  let eposd: EposdProcess;
  let gateway: RunningGateway;
  let home: string;
  beforeAll(async () => {
    broker = await startBroker();
    eposd = await startEposd({ env: { EPOSD_TID: TID, EPOSD_RELAY_URL: broker.url, EPOSD_SIM_MODE: 'manual' } });
    gateway = await testGateway(broker, { brokerUsername: undefined, brokerPassword: undefined });
    await until('the terminal online at the gateway', () => gateway.board.isOnline(TID), 10_000);
    home = makeTempDir('eposd-pos-home-');
    const pair = await runPos(['pair', '--relay', gateway.url, '--tid', TID, '--api-key', API_KEY, '--code', await pairingCode(eposd), '--register-id', 'cloud-till', '--yes'], home);
    expect(pair.code).toBe(0);
  });
  afterAll(async () => {
    await gateway?.stop();
    await cleanupEposd();
    await broker?.close();
  });

  it('shows the basket a cloud POS sends, and gives it the cardholder’s answer to its prompt', async () => {
    const shown = await runPos(['display', '--item', '2 x Tea @ 2.50', '--qr', 'https://example.com/club'], home);
    expect(shown).toMatchObject({ code: 0, stdout: 'Shown on the terminal: 1 line(s), total EUR 5.00, a QR code.\n' });
    expect((await untilScreen(eposd, 'the display', (s) => s.screen === 'display')).display).toMatchObject({ total: 500, qr: { text: 'https://example.com/club' } });

    const asked = runPos(['prompt', 'phone', 'Phone for your order?', '--calling-code', '44'], home, {}, 30_000);
    const s = await untilScreen(eposd, 'the prompt', (x) => x.screen === 'prompt');
    expect(s.prompt).toMatchObject({ type: 'phone', callingCode: '44', title: 'Phone for your order?' });
    await screenAction(eposd, { action: 'answerPrompt', promptId: s.prompt!.promptId, value: '+44 7700 900123' });
    expect(await asked).toMatchObject({ code: 0, stdout: '+447700900123\n' });
    expect((await untilScreen(eposd, 'the display again', (x) => x.screen === 'display')).display?.total).toBe(500);
  });
});
