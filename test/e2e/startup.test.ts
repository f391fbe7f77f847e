import { createHash } from 'node:crypto';
import { cleanupEposd, startEposd, type EposdProcess } from '../helpers/process';
import { httpsJson } from '../helpers/http';
import { handshake } from '../helpers/tls';
import { stringMatching } from '../helpers/matchers';
import { type ScreenState } from '../helpers/bodies';

describe('When eposd starts for the first time', () => {
  let eposd: EposdProcess;
  beforeAll(async () => {
    eposd = await startEposd();
  });
  afterAll(cleanupEposd);

  it('then it prints one eposd ready line with the API URL, the screen URL, the TID and the fingerprint', () => {
    const ready = eposd.stdout().filter((l) => l.startsWith('eposd ready'));
    expect(ready).toHaveLength(1);
    expect(eposd.apiUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/payntpos\/1\.0\.0$/);
    expect(eposd.screenUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(eposd.tid).toMatch(/^\d{8}$/);
    expect(eposd.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('then the fingerprint is the SHA-256 of the public key of the certificate it serves', async () => {
    const { certificate } = await handshake(eposd.apiUrl);
    const spki = certificate!.publicKey.export({ type: 'spki', format: 'der' });
    expect(createHash('sha256').update(spki).digest('hex')).toBe(eposd.fingerprint);
  });

  it('then the API answers over HTTPS with its TID', async () => {
    const res = await httpsJson(`${eposd.apiUrl}/health`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'UP', tid: eposd.tid });
  });

  it('then, with no POS paired, the screen shows a pairing code, also as a [screen] line', async () => {
    const screen = await httpsJson<ScreenState>(`${eposd.screenUrl}screen`);
    expect(screen.body).toMatchObject({ screen: 'pairing', tid: eposd.tid, fingerprint: eposd.fingerprint, pairingCode: stringMatching(/^\d{6}$/) });
    expect(eposd.stdout()).toContainEqual(expect.stringMatching(new RegExp(`^\\[screen\\] pairing: code ${screen.body.pairingCode!} .*fingerprint ${eposd.fingerprint}$`)));
  });

  it('then standard output carries only the ready line and [screen] lines', () => {
    expect(eposd.stdout().length).toBeGreaterThanOrEqual(2);
    for (const line of eposd.stdout()) expect(line).toMatch(/^(eposd ready |\[screen\] )/);
  });
});
