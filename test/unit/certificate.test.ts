import { createHash, X509Certificate } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateCertificate, spkiFingerprint, VALIDITY_DAYS } from '../../src/tls/certificate';

const HOSTS = ['localhost', '127.0.0.1', '::1', '192.0.2.10'];
const DAY_MS = 86_400_000;
const NOW = new Date('2025-04-28T09:00:00.000Z');

describe('loadOrCreateCertificate', () => {
  let dir: string;
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'eposd-cert-')), 'certs');
  });
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('When the directory is empty, then it writes a private key readable only by its owner and a certificate', async () => {
    const cert = await loadOrCreateCertificate(dir, HOSTS, NOW);
    expect(statSync(join(dir, 'key.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'key.pem'), 'utf8')).toBe(cert.key);
    expect(readFileSync(join(dir, 'cert.pem'), 'utf8')).toBe(cert.cert);
  });

  it('When a certificate is made, then it is EC P-256, valid 397 days, and the fingerprint is SHA-256 of its SPKI', async () => {
    const cert = await loadOrCreateCertificate(dir, HOSTS, NOW);
    const x509 = new X509Certificate(cert.cert);
    expect(x509.publicKey.asymmetricKeyType).toBe('ec');
    expect(x509.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(Math.round((new Date(x509.validTo).getTime() - NOW.getTime()) / DAY_MS)).toBe(VALIDITY_DAYS);
    expect(cert.notAfter).toEqual(new Date(x509.validTo));
    const spki = x509.publicKey.export({ type: 'spki', format: 'der' });
    expect(cert.fingerprint).toBe(createHash('sha256').update(spki).digest('hex'));
    expect(cert.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(spkiFingerprint(cert.key)).toBe(cert.fingerprint);
  });

  it('When a certificate is made, then its SANs name localhost, 127.0.0.1, ::1 and the given addresses', async () => {
    const x509 = new X509Certificate((await loadOrCreateCertificate(dir, HOSTS, NOW)).cert);
    expect(x509.checkHost('localhost')).toBe('localhost');
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.checkIP('::1')).toBe('::1');
    expect(x509.checkIP('192.0.2.10')).toBe('192.0.2.10');
    expect(x509.checkIP('192.0.2.11')).toBeUndefined();
  });

  it('When it starts again with the same directory, then it reuses the same key and certificate', async () => {
    const first = await loadOrCreateCertificate(dir, HOSTS, NOW);
    const again = await loadOrCreateCertificate(dir, HOSTS, new Date(NOW.getTime() + 30 * DAY_MS));
    expect(again).toEqual(first);
  });

  it('When the certificate is within 30 days of expiry, then it is re-issued on the same key with a later notAfter', async () => {
    const first = await loadOrCreateCertificate(dir, HOSTS, NOW);
    const later = new Date(NOW.getTime() + 370 * DAY_MS);
    const renewed = await loadOrCreateCertificate(dir, HOSTS, later);
    expect(renewed.fingerprint).toBe(first.fingerprint);
    expect(renewed.key).toBe(first.key);
    expect(renewed.cert).not.toBe(first.cert);
    expect(renewed.notAfter.getTime()).toBeGreaterThan(first.notAfter.getTime());
    expect(readFileSync(join(dir, 'cert.pem'), 'utf8')).toBe(renewed.cert);
    expect(spkiFingerprint(renewed.cert)).toBe(first.fingerprint);
  });

  it('When the certificate has more than 30 days left, then it is kept', async () => {
    const first = await loadOrCreateCertificate(dir, HOSTS, NOW);
    const kept = await loadOrCreateCertificate(dir, HOSTS, new Date(first.notAfter.getTime() - 31 * DAY_MS));
    expect(kept.cert).toBe(first.cert);
  });

  it('When the machine has a new address, then the certificate is re-issued on the same key to name it', async () => {
    const first = await loadOrCreateCertificate(dir, HOSTS, NOW);
    const renewed = await loadOrCreateCertificate(dir, [...HOSTS, '198.51.100.7', 'fd00::2'], NOW);
    expect(renewed.cert).not.toBe(first.cert);
    expect(renewed.fingerprint).toBe(first.fingerprint);
    expect(new X509Certificate(renewed.cert).checkIP('198.51.100.7')).toBe('198.51.100.7');
    expect(new X509Certificate(renewed.cert).checkIP('fd00::2')).toBe('fd00::2');
  });

  it('When an address is a prefix of one already named, then it still counts as missing', async () => {
    const first = await loadOrCreateCertificate(dir, ['localhost', '10.0.0.10'], NOW);
    const renewed = await loadOrCreateCertificate(dir, ['localhost', '10.0.0.1'], NOW);
    expect(renewed.cert).not.toBe(first.cert);
  });

  it('When the key file is damaged, then it refuses rather than make a new identity', async () => {
    const first = await loadOrCreateCertificate(dir, HOSTS, NOW);
    writeFileSync(join(dir, 'key.pem'), 'garbage');
    await expect(loadOrCreateCertificate(dir, HOSTS, NOW)).rejects.toThrow();
    expect(readFileSync(join(dir, 'key.pem'), 'utf8')).toBe('garbage');
    expect(first.key).not.toBe('garbage');
  });

  it('When only the certificate is missing, then a new one is issued on the existing key', async () => {
    const first = await loadOrCreateCertificate(dir, HOSTS, NOW);
    rmSync(join(dir, 'cert.pem'));
    const again = await loadOrCreateCertificate(dir, HOSTS, NOW);
    expect(again.fingerprint).toBe(first.fingerprint);
  });

  it('When the key file is damaged, then the refusal names the file, what is wrong and what to do', async () => {
    await loadOrCreateCertificate(dir, HOSTS, NOW);
    writeFileSync(join(dir, 'key.pem'), 'garbage');
    await expect(loadOrCreateCertificate(dir, HOSTS, NOW)).rejects.toThrow(new RegExp(`^${join(dir, 'key.pem')}: is not a valid private key \\(.*routines.*\\)\\. Restore key\\.pem from a backup`));
  });

  it('When the key file is empty, then it refuses rather than make a new key and fingerprint', async () => {
    const first = await loadOrCreateCertificate(dir, HOSTS, NOW);
    writeFileSync(join(dir, 'key.pem'), '');
    await expect(loadOrCreateCertificate(dir, HOSTS, NOW)).rejects.toThrow(`${join(dir, 'key.pem')}: is empty (0 bytes)`);
    expect(readFileSync(join(dir, 'key.pem'), 'utf8')).toBe('');
    expect(readFileSync(join(dir, 'cert.pem'), 'utf8')).toBe(first.cert);
  });

  it('When the key file is empty and a new key is allowed, then the empty file is set aside, not deleted, and the change is noted', async () => {
    const first = await loadOrCreateCertificate(dir, HOSTS, NOW);
    writeFileSync(join(dir, 'key.pem'), '');
    const again = await loadOrCreateCertificate(dir, HOSTS, { now: NOW, mayReplaceKey: () => true });
    expect(again.fingerprint).not.toBe(first.fingerprint);
    expect(readdirSync(dir).filter((f) => f.startsWith('key.pem.empty-'))).toHaveLength(1);
    expect(again.notes).toEqual([expect.stringMatching(/key\.pem is empty \(0 bytes\): it was set aside as .*a new key was made/)]);
  });

  it('When the certificate is damaged and the key is sound, then a new certificate is issued on the same key', async () => {
    const first = await loadOrCreateCertificate(dir, HOSTS, NOW);
    writeFileSync(join(dir, 'cert.pem'), first.cert.slice(0, 200));
    const again = await loadOrCreateCertificate(dir, HOSTS, NOW);
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(spkiFingerprint(readFileSync(join(dir, 'cert.pem'), 'utf8'))).toBe(first.fingerprint);
    expect(again.notes).toEqual([expect.stringMatching(/cert\.pem was damaged .* issued on the same key/)]);
  });

  it('When the directories were left readable by anyone, then the directory is made 0700 and the key 0600 again', async () => {
    await loadOrCreateCertificate(dir, HOSTS, NOW);
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'key.pem'), 0o644);
    await loadOrCreateCertificate(dir, HOSTS, NOW);
    expect([statSync(dir).mode & 0o777, statSync(join(dir, 'key.pem')).mode & 0o777]).toEqual([0o700, 0o600]);
  });
});
