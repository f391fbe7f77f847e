import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupEposd, makeTempDir, runEposd, startEposd } from '../helpers/process';
import { httpsJson } from '../helpers/http';
import { handshake } from '../helpers/tls';
import { type ScreenState } from '../helpers/bodies';

describe('When eposd restarts with the same data and certificate directories', () => {
  afterAll(cleanupEposd);

  it('then the certificate, the key, the fingerprint, the TID and the pairings are kept', async () => {
    const dataDir = makeTempDir('eposd-data-');
    const certDir = makeTempDir('eposd-certs-');
    const keyFile = join(certDir, 'key.pem');
    const certFile = join(certDir, 'cert.pem');

    const first = await startEposd({ dataDir, certDir });
    const served = (await handshake(first.apiUrl)).certificate!.raw;
    const key = readFileSync(keyFile);
    const keyMtime = statSync(keyFile).mtimeMs;
    const cert = readFileSync(certFile);
    const code = (await httpsJson<ScreenState>(`${first.screenUrl}screen`)).body.pairingCode!;
    const { authToken } = (await httpsJson(`${first.apiUrl}/pair?pairingCode=${code}&registerId=till-1`)).body as { authToken: string };
    expect(await first.stop()).toBe(0);

    const second = await startEposd({ dataDir, certDir });
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(second.tid).toBe(first.tid);
    expect(readFileSync(keyFile).equals(key)).toBe(true);
    expect(statSync(keyFile).mtimeMs).toBe(keyMtime);
    expect(readFileSync(certFile).equals(cert)).toBe(true);
    expect((await handshake(second.apiUrl)).certificate!.raw.equals(served)).toBe(true);

    // A POS is paired, so this start shows no pairing code, and the POS's token still works.
    expect((await httpsJson<ScreenState>(`${second.screenUrl}screen`)).body.screen).toBe('idle');
    expect(second.stdout().some((l) => l.startsWith('[screen] pairing'))).toBe(false);
    const unpaired = await httpsJson(`${second.apiUrl}/pair`, { method: 'DELETE', headers: { authorization: `Bearer ${authToken}` } });
    expect(unpaired.status).toBe(204);
    expect(await second.stop()).toBe(0);
  });

  // Issue 26 item 9: EPOSD_TID used to override the TID kept, silently.
  it('then EPOSD_TID other than the TID kept is refused with the way to change it, and EPOSD_TID_REPLACES changes it deliberately', async () => {
    const dataDir = makeTempDir('eposd-data-');
    const certDir = makeTempDir('eposd-certs-');
    const first = await startEposd({ dataDir, certDir });
    expect(await first.stop()).toBe(0);
    const other = first.tid === '87654321' ? '12345678' : '87654321';

    const refused = await runEposd({ dataDir, certDir, env: { EPOSD_TID: other } });
    expect(refused.code).toBe(1);
    expect(refused.stdout.some((l) => l.startsWith('eposd ready'))).toBe(false);
    expect(refused.stderr.join('\n')).toContain(
      `eposd: could not start: ${join(dataDir, 'eposd.db')}: EPOSD_TID is ${other}, but this terminal's TID is ${first.tid} (kept in its database since its first start). ` +
        `To change the TID deliberately, settle the open batch, then start it once with EPOSD_TID=${other} EPOSD_TID_REPLACES=${first.tid}`,
    );

    const changed = await startEposd({ dataDir, certDir, env: { EPOSD_TID: other, EPOSD_TID_REPLACES: first.tid } });
    expect(changed.tid).toBe(other);
    expect(changed.stdout().some((l) => /^\[screen\] .*ALERT: The TID of this terminal changed from/.test(l))).toBe(true);
    expect(await changed.stop()).toBe(0);
    const kept = await startEposd({ dataDir, certDir });
    expect(kept.tid).toBe(other);
    expect(await kept.stop()).toBe(0);
    // Four starts of eposd, the first making a certificate: on a loaded machine that is more than the default.
  }, 120_000);
});
