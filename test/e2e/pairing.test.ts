import { cleanupEposd, startEposd, type EposdProcess } from '../helpers/process';
import { httpsJson } from '../helpers/http';
import { type ScreenState, type PairingAnswer } from '../helpers/bodies';
import type { Problem } from '../helpers/problem';

describe('When an installer pairs a POS with the code on the screen', () => {
  let eposd: EposdProcess;
  beforeAll(async () => {
    eposd = await startEposd();
  });
  afterAll(cleanupEposd);

  it('then the POS gets a token over HTTPS that it can use, and the screen leaves the pairing screen', async () => {
    const code = (await httpsJson<ScreenState>(`${eposd.screenUrl}screen`)).body.pairingCode!;
    const paired = await httpsJson<PairingAnswer>(`${eposd.apiUrl}/pair?pairingCode=${code}&registerId=till-1`);
    expect(paired.status).toBe(200);
    expect(paired.headers['cache-control']).toBe('no-store');
    expect(paired.body).toMatchObject({ registerId: 'till-1', tid: eposd.tid, certificateFingerprint: eposd.fingerprint });
    expect((await httpsJson<ScreenState>(`${eposd.screenUrl}screen`)).body.screen).toBe('idle');
    await eposd.waitForStdout(/^\[screen\] idle: /);

    const unpaired = await httpsJson(`${eposd.apiUrl}/pair`, { method: 'DELETE', headers: { authorization: paired.body.authToken } });
    expect(unpaired.status).toBe(204);
    const again = await httpsJson(`${eposd.apiUrl}/pair`, { method: 'DELETE', headers: { authorization: paired.body.authToken } });
    expect(again.status).toBe(401);
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('then a new code opened on the screen pairs a second POS by POST', async () => {
    const opened = await httpsJson<ScreenState>(`${eposd.screenUrl}screen/actions`, { method: 'POST', body: { action: 'openPairing' } });
    expect(opened.status).toBe(200);
    const code = opened.body.pairingCode!;
    await eposd.waitForStdout(new RegExp(`^\\[screen\\] pairing: code ${code} `));
    const paired = await httpsJson(`${eposd.apiUrl}/pair`, { method: 'POST', body: { pairingCode: code, registerId: 'till-2' } });
    expect(paired.status).toBe(200);
    const used = await httpsJson<Problem>(`${eposd.apiUrl}/pair`, { method: 'POST', body: { pairingCode: code, registerId: 'till-3' } });
    expect(used.status).toBe(401);
    expect(used.body.code).toBe('PAIRING_FAILED');
  });
});
