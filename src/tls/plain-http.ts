import type { Socket } from 'node:net';
import type { Server } from 'node:tls';
import { ApiError, problemBody } from '../shared/errors';

/**
 * A client that speaks plain HTTP to the HTTPS port gets a plain-HTTP answer that says so, as nginx
 * does, instead of a connection closed with no word: the commonest first mistake with a terminal.
 */
export function answerPlainHttp(server: Server, basePath: string): void {
  server.on('tlsClientError', (err: Error & { code?: string }, tlsSocket) => {
    // The TLS socket wraps the TCP one; OpenSSL has read an HTTP request line where a handshake belongs.
    const raw = (tlsSocket as unknown as { _parent?: Socket })._parent;
    if (err.code !== 'ERR_SSL_HTTP_REQUEST' || !raw?.writable) return;
    const body = JSON.stringify(problemBody(new ApiError('HTTPS_REQUIRED', `This port speaks HTTPS only: use https://…${basePath} (the terminal's certificate is self-signed: pin its fingerprint).`)));
    raw.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
}
