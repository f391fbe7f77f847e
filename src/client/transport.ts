import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { request, type RequestOptions } from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect, type TLSSocket } from 'node:tls';
import { asNetworkError } from './errors';
import { spkiFingerprint } from './fingerprint';
import { addressOf } from './store';
import type { SignedExchange } from './relay';

export interface Endpoint {
  host: string;
  port: number;
}

/** Sees the fingerprint of the key the terminal presented; throws to refuse the connection. */
export type KeyCheck = (presentedFingerprint: string) => void;

export interface TransportOptions {
  connectTimeoutMs?: number;
  /**
   * Sees each connection once its key was accepted, before a request is written on it, and may wrap it.
   * For proxies and for tests that break the network on purpose.
   */
  wrapSocket?: (socket: Duplex) => Duplex;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path and query, e.g. `/payntpos/1.0.0/transaction?uti=…`. */
  path: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** The whole exchange, headers and body. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Through a relay: signs the request as it will be sent (its Content-Type and body), and checks its answer. */
  sign?: (contentType: string, payload: string) => SignedExchange;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or the text of a body that is not JSON. */
  body: unknown;
  /** The body's bytes as received. */
  raw: Buffer;
}

const CONNECT_TIMEOUT_MS = 10_000;

const timeoutError = (what: string, ms: number) => Object.assign(new Error(`${what} timed out after ${ms} ms`), { code: 'ETIMEDOUT' });

/** A system error (ENOTFOUND, ECONNREFUSED, a TLS alert…) as an EposdNetworkError that says what to check. */
const explained = (err: unknown, endpoint: Endpoint): Error => asNetworkError(err, addressOf(endpoint), endpoint.host) as Error;

/**
 * A TLS connection whose server key has passed `check`. The terminal's certificate is self-signed, so
 * the chain is not verified (rejectUnauthorized: false); the pinned key fingerprint is the trust.
 * @NOTE The check runs on 'secureConnect', before the HTTP request exists: a terminal with the wrong
 * key never receives a byte of the request, so never sees the token.
 */
export function connectPinned(endpoint: Endpoint, check: KeyCheck, timeoutMs = CONNECT_TIMEOUT_MS): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: endpoint.host,
      port: endpoint.port,
      // RFC 6066 forbids an IP address as the server name.
      servername: isIP(endpoint.host) ? undefined : endpoint.host,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    });
    const fail = (err: unknown) => {
      clearTimeout(timer);
      socket.destroy();
      reject(explained(err, endpoint));
    };
    const timer = setTimeout(() => fail(timeoutError(`connecting to ${endpoint.host}:${endpoint.port}`, timeoutMs)), timeoutMs);
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerX509Certificate();
      try {
        if (!certificate) throw new Error('the terminal presented no certificate');
        check(spkiFingerprint(certificate));
      } catch (err) {
        fail(err);
        return;
      }
      clearTimeout(timer);
      socket.removeListener('error', fail);
      resolve(socket);
    });
  });
}

function startRequest(endpoint: Endpoint, check: KeyCheck, req: HttpRequest, options: TransportOptions): { outgoing: ClientRequest; signed?: SignedExchange } {
  const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  const signed = req.sign?.(headers['content-type'] ?? '', payload ?? '');
  Object.assign(headers, signed?.headers);
  // No agent: each request gets a connection of its own, checked before it is used. Node accepts a
  // createConnection that answers through its callback later (the types only know the synchronous form).
  const createConnection = (_opts: unknown, done: (err: Error | null, socket?: Duplex) => void): undefined => {
    connectPinned(endpoint, check, options.connectTimeoutMs).then(
      (socket) => done(null, options.wrapSocket ? options.wrapSocket(socket) : socket),
      (err: Error) => done(err),
    );
    return undefined;
  };
  const outgoing = request({
    host: endpoint.host,
    port: endpoint.port,
    method: req.method,
    path: req.path,
    headers,
    createConnection: createConnection as unknown as RequestOptions['createConnection'],
  });
  const abort = () => outgoing.destroy(Object.assign(new Error('The request was aborted'), { name: 'AbortError', code: 'ABORT_ERR' }));
  if (req.signal?.aborted) abort();
  req.signal?.addEventListener('abort', abort, { once: true });
  outgoing.once('close', () => req.signal?.removeEventListener('abort', abort));
  outgoing.end(payload);
  return { outgoing, signed };
}

function parse(text: string, contentType: string | undefined): unknown {
  if (!/json/i.test(contentType ?? '') || text === '') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** One request and its whole answer. */
export function send(endpoint: Endpoint, check: KeyCheck, req: HttpRequest, options: TransportOptions = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const { outgoing, signed } = startRequest(endpoint, check, req, options);
    const timer = setTimeout(() => outgoing.destroy(timeoutError(`${req.method} ${req.path}`, req.timeoutMs)), req.timeoutMs);
    const fail = (err: unknown) => {
      clearTimeout(timer);
      reject(explained(err, endpoint));
    };
    outgoing.on('error', fail);
    outgoing.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', fail);
      res.on('end', () => {
        clearTimeout(timer);
        const raw = Buffer.concat(chunks);
        const answer = { status: res.statusCode ?? 0, headers: res.headers, body: parse(raw.toString('utf8'), res.headers['content-type']), raw };
        try {
          signed?.check(answer);
          resolve(answer);
        } catch (err) {
          fail(err);
        }
      });
    });
  });
}

/**
 * A request whose answer is read as a stream (Server-Sent Events). The timeout covers the answer's
 * headers only; the stream stays open until the caller destroys it or the signal aborts.
 */
export function openStream(endpoint: Endpoint, check: KeyCheck, req: HttpRequest, options: TransportOptions = {}): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const { outgoing } = startRequest(endpoint, check, req, options);
    const timer = setTimeout(() => outgoing.destroy(timeoutError(`${req.method} ${req.path}`, req.timeoutMs)), req.timeoutMs);
    outgoing.on('error', (err) => {
      clearTimeout(timer);
      reject(explained(err, endpoint));
    });
    outgoing.on('response', (res) => {
      clearTimeout(timer);
      resolve(res);
    });
  });
}
