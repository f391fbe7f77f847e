import { statSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../helpers/broker';
import { httpsJson } from '../helpers/http';
import { cleanupEposd, makeTempDir, ROOT } from '../helpers/process';
import { bashUntil, shBlocks, type Running } from '../helpers/recipes';

// docs/bridge.md's eposd-bridge-sim recipes, as they are written there: the build is global-setup's,
// `npx eposd-bridge-sim` and `npm start` are the built programs they run, eposd and the TCP link take
// free ports, and HOME is a folder of the test's own (the recipe's ~/.eposd).

const SIM = `node ${join(ROOT, 'dist', 'bridge-sim', 'main.js')}`;
const EPOSD = `node ${join(ROOT, 'dist', 'main.js')}`;
const running: Running[] = [];
afterAll(async () => {
  for (const r of running.reverse()) await r.stop();
  await cleanupEposd();
});

const run = async (recipe: string, home: string, ready: RegExp, env: NodeJS.ProcessEnv = {}) => {
  const r = await bashUntil(recipe.replace('npm run build', ':').replace('npx eposd-bridge-sim', SIM).replace('npm start', EPOSD), home, { HOME: home, ...env }, ready);
  running.push(r);
  return r;
};

/** Pairs with the screen's code and sells 10.00 through the API the ready line names; answers the outcome. */
async function sale(api: string, screen: string): Promise<unknown> {
  const { pairingCode } = (await httpsJson<{ pairingCode: string }>(`${screen}screen/actions`, { method: 'POST', body: { action: 'openPairing' } })).body;
  const { authToken } = (await httpsJson<{ authToken: string }>(`${api}/pair`, { method: 'POST', body: { pairingCode, registerId: 'bridge-recipe' } })).body;
  const headers = { authorization: authToken };
  // As a POS does while the payment app connects: 503 PAYMENT_APP_UNAVAILABLE is tried again (docs/bridge.md).
  const post = () => httpsJson<{ uti: string }>(`${api}/transaction`, { method: 'POST', headers, body: { transType: 'SALE', amountTrans: 1000 } });
  let started = await post();
  for (let tries = 0; started.status === 503 && tries < 20; tries++) {
    await new Promise((r) => setTimeout(r, 250));
    started = await post();
  }
  const { uti } = started.body;
  return (await httpsJson(`${api}/transaction?uti=${uti}&wait=20`, { headers, timeoutMs: 30_000 })).body;
}

const EPOSD_ENV = () => ({
  EPOSD_PORT: '0',
  EPOSD_SCREEN_PORT: '0',
  EPOSD_HOST: '127.0.0.1',
  EPOSD_DATA_DIR: makeTempDir('eposd-data-'),
  EPOSD_CERT_DIR: makeTempDir('eposd-certs-'),
  EPOSD_MDNS: 'false',
  EPOSD_SIM_CARD_DELAY_MS: '50',
  EPOSD_SIM_AUTH_DELAY_MS: '20',
});
const READY = /^eposd ready api=(\S+) screen=(\S+)/;

describe('docs/bridge.md, "eposd-bridge-sim: the reference payment app"', () => {
  const [simOnSocket, eposdOnSocket, simOnTcp, eposdOnTcp] = shBlocks('docs/bridge.md', '## `eposd-bridge-sim`: the reference payment app');

  it('over a Unix socket in a private folder of the home directory: eposd drives the simulator and a sale is approved', async () => {
    const home = makeTempDir('eposd-bridge-home-');
    await run(simOnSocket!, home, /^eposd-bridge-sim ready socket=/, { EPOSD_SIM_CARD_DELAY_MS: '50', EPOSD_SIM_AUTH_DELAY_MS: '20' });
    expect(statSync(join(home, '.eposd')).mode & 0o777).toBe(0o700);
    const eposd = await run(eposdOnSocket!, home, READY, EPOSD_ENV());
    expect(await sale(eposd.ready[1]!, eposd.ready[2]!)).toMatchObject({ status: 'APPROVED', transAmount: 1000 });
  });

  it('over loopback TCP with a shared secret: the same', async () => {
    const home = makeTempDir('eposd-bridge-home-');
    const port = String(await freePort());
    await run(simOnTcp!.replace('7400', port), home, /^eposd-bridge-sim ready port=/, { EPOSD_SIM_CARD_DELAY_MS: '50', EPOSD_SIM_AUTH_DELAY_MS: '20' });
    const eposd = await run(eposdOnTcp!.replace('7400', port), home, READY, EPOSD_ENV());
    expect(await sale(eposd.ready[1]!, eposd.ready[2]!)).toMatchObject({ status: 'APPROVED', transAmount: 1000 });
  });
});
