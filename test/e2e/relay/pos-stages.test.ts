import type { RunningGateway } from '../../../src/relay-gateway/gateway';
import { startBroker, type Broker } from '../../helpers/broker';
import { pairingCode, runPos } from '../../helpers/pos';
import { cleanupEposd, makeTempDir, startEposd, type EposdProcess } from '../../helpers/process';
import { API_KEY, testGateway } from '../../helpers/relay';
import { until } from '../../helpers/until';

// eposd-pos through the relay shows a payment's stages as on the LAN (docs/relay.md, "From a POS"): the
// relay carries no event stream, so they come from status reads while the long poll waits.

const TID = '10000005';

describe('eposd-pos sale through the relay', () => {
  let broker: Broker;
  let eposd: EposdProcess;
  let gateway: RunningGateway;
  beforeAll(async () => {
    broker = await startBroker();
    eposd = await startEposd({ env: { EPOSD_TID: TID, EPOSD_RELAY_URL: broker.url, EPOSD_SIM_CARD_DELAY_MS: '1500', EPOSD_SIM_AUTH_DELAY_MS: '800' } });
    gateway = await testGateway(broker, { brokerUsername: undefined, brokerPassword: undefined });
    await until('the terminal online at the gateway', () => gateway.board.isOnline(TID), 10_000);
  });
  afterAll(async () => {
    await gateway?.stop();
    await cleanupEposd();
    await broker?.close();
  });

  it('shows "Present card…" and "Authorising…" while the terminal waits, then the outcome', async () => {
    const home = makeTempDir('eposd-pos-home-');
    const pair = await runPos(['pair', '--relay', gateway.url, '--tid', TID, '--api-key', API_KEY, '--code', await pairingCode(eposd), '--register-id', 'stages', '--yes'], home);
    expect(pair.code).toBe(0);
    const sold = await runPos(['sale', '20.00', '--no-print'], home, {}, 30_000);
    expect(sold.code).toBe(0);
    const shown = sold.stderr.split('\n');
    expect(shown).toContain('Present card…');
    expect(shown).toContain('Authorising…');
    expect(shown.indexOf('Present card…')).toBeLessThan(shown.indexOf('Approved'));
  });
});
