import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type ConnectionOptions, type Server } from 'node:tls';
import { cleanupEposd, startEposd, type EposdProcess } from '../helpers/process';
import { handshake } from '../helpers/tls';
import { httpsJson } from '../helpers/http';
import { stringMatching } from '../helpers/matchers';

// What the client offers in each case. Each refused offer is first shown to work against a permissive
// server with eposd's own key, so that a refusal is eposd's doing and not the client's.
const TLS11: ConnectionOptions = { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' };
const TLS12_CBC: ConnectionOptions = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA' };
const TLS12_CBC_SHA256: ConnectionOptions = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA256' };
// The handshake_failure alert as the client's OpenSSL names it: "sslv3 alert" in Node 20's OpenSSL 3.0,
// "ssl/tls alert" in Node 24's 3.5.
const HANDSHAKE_FAILURE_ALERT = stringMatching(/^ERR_SSL_SSL(V3|\/TLS)_ALERT_HANDSHAKE_FAILURE$/);

describe('TLS on the API port', () => {
  let eposd: EposdProcess;
  let permissive: Server;
  let permissiveUrl: string;
  beforeAll(async () => {
    eposd = await startEposd();
    permissive = createServer(
      {
        key: readFileSync(join(eposd.certDir, 'key.pem')),
        cert: readFileSync(join(eposd.certDir, 'cert.pem')),
        minVersion: 'TLSv1',
        ciphers: 'ALL:@SECLEVEL=0',
      },
      (socket) => socket.end(),
    );
    await new Promise<void>((r) => permissive.listen(0, '127.0.0.1', r));
    permissiveUrl = `https://127.0.0.1:${(permissive.address() as { port: number }).port}/`;
  });
  afterAll(async () => {
    await new Promise((r) => permissive?.close(r));
    await cleanupEposd();
  });

  it('answers plain HTTP on the HTTPS port with a 400 that says to use HTTPS, not an empty reply', async () => {
    const res = await httpsJson(eposd.apiUrl.replace('https://', 'http://') + '/health');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, code: 'HTTPS_REQUIRED', detail: expect.stringContaining('HTTPS only') as string });
  });

  it('refuses TLS 1.1 with a protocol_version alert', async () => {
    await expect(handshake(permissiveUrl, TLS11)).resolves.toMatchObject({ protocol: 'TLSv1.1' });
    await expect(handshake(eposd.apiUrl, TLS11)).rejects.toMatchObject({ code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' });
  });

  it.each([
    ['ECDHE-ECDSA-AES128-SHA', TLS12_CBC],
    ['ECDHE-ECDSA-AES128-SHA256', TLS12_CBC_SHA256],
  ])('refuses the TLS 1.2 CBC suite %s with a handshake_failure alert', async (suite, offer) => {
    await expect(handshake(permissiveUrl, offer)).resolves.toMatchObject({ protocol: 'TLSv1.2', cipher: suite });
    await expect(handshake(eposd.apiUrl, offer)).rejects.toMatchObject({ code: HANDSHAKE_FAILURE_ALERT });
  });

  it.each(['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305'])('accepts TLS 1.2 with %s', async (suite) => {
    await expect(handshake(eposd.apiUrl, { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: suite })).resolves.toMatchObject({ protocol: 'TLSv1.2', cipher: suite });
  });

  it('accepts TLS 1.3, and prefers it', async () => {
    await expect(handshake(eposd.apiUrl, { minVersion: 'TLSv1.3' })).resolves.toMatchObject({ protocol: 'TLSv1.3' });
    await expect(handshake(eposd.apiUrl)).resolves.toMatchObject({ protocol: 'TLSv1.3' });
  });

  it('serves the certificate from the certificate directory', async () => {
    const { certificate } = await handshake(eposd.apiUrl);
    expect(certificate!.raw.equals(new X509Certificate(readFileSync(join(eposd.certDir, 'cert.pem'))).raw)).toBe(true);
  });
});
