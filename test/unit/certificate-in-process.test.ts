import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateCertificate, spkiFingerprint, VALIDITY_DAYS } from '../../src/tls/certificate';

// An embedded start (a host app running Node in its own process) may start no child process.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the very module object the code under test calls, so that jest.spyOn sees its calls
const childProcess = require('node:child_process') as typeof import('node:child_process');
const HOSTS = ['localhost', '127.0.0.1', '::1', '192.0.2.10'];
const DAY_MS = 86_400_000;
const NOW = new Date('2025-04-28T09:00:00.000Z');

describe('loadOrCreateCertificate with inProcess', () => {
  let dir: string;
  let execFile: jest.SpyInstance;
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'eposd-cert-')), 'certs');
    execFile = jest.spyOn(childProcess, 'execFile');
  });
  afterEach(() => {
    execFile.mockRestore();
    rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  it('When the directory is empty, then it makes the key and certificate without starting a process', async () => {
    const cert = await loadOrCreateCertificate(dir, HOSTS, { now: NOW, inProcess: true });
    expect(execFile).not.toHaveBeenCalled();
    const x509 = new X509Certificate(cert.cert);
    expect(x509.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(Math.round((new Date(x509.validTo).getTime() - NOW.getTime()) / DAY_MS)).toBe(VALIDITY_DAYS);
    expect(x509.checkIP('192.0.2.10')).toBe('192.0.2.10');
    expect(spkiFingerprint(cert.cert)).toBe(cert.fingerprint);
    expect(statSync(join(dir, 'key.pem')).mode & 0o777).toBe(0o600);
  });

  it('When the certificate is close to expiry, then it is re-issued on the same key without starting a process', async () => {
    const first = await loadOrCreateCertificate(dir, HOSTS, { now: NOW, inProcess: true });
    const renewed = await loadOrCreateCertificate(dir, HOSTS, { now: new Date(NOW.getTime() + 370 * DAY_MS), inProcess: true });
    expect(execFile).not.toHaveBeenCalled();
    expect(renewed.cert).not.toBe(first.cert);
    expect(renewed.fingerprint).toBe(first.fingerprint);
  });

  it('When inProcess is not set, then a child process makes it (npm start)', async () => {
    const cert = await loadOrCreateCertificate(dir, HOSTS, NOW);
    expect(execFile).toHaveBeenCalledTimes(1);
    expect(spkiFingerprint(cert.cert)).toBe(cert.fingerprint);
  });
});
