import { connect, type ConnectionOptions } from 'node:tls';
import type { X509Certificate } from 'node:crypto';

const HANDSHAKE_TIMEOUT_MS = 10_000;

export interface Handshake {
  protocol: string | null;
  cipher: string;
  certificate: X509Certificate | undefined;
}

/** One TLS handshake with `url`'s host and port; rejects with the TLS error (its `code` says which alert). */
export function handshake(url: string, options: ConnectionOptions = {}): Promise<Handshake> {
  const { hostname, port } = new URL(url);
  return new Promise((resolveHandshake, reject) => {
    const socket = connect({ host: hostname, port: Number(port), servername: 'localhost', rejectUnauthorized: false, ...options }, () => {
      const result = { protocol: socket.getProtocol(), cipher: socket.getCipher().name, certificate: socket.getPeerX509Certificate() };
      socket.end();
      resolveHandshake(result);
    });
    socket.setTimeout(HANDSHAKE_TIMEOUT_MS, () => socket.destroy(new Error(`TLS handshake with ${url} timed out`)));
    socket.on('error', reject);
  });
}
