import type { IncomingHttpHeaders } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { parse } from '../../src/client/transport';

const REQUEST_TIMEOUT_MS = 15_000;

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON (with Content-Type: application/json unless given); a string or Buffer as it is. */
  body?: unknown;
  /** The whole exchange must finish within this time, or the request is destroyed and the promise rejects. */
  timeoutMs?: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- kept as the default for the callers that read a field or two; typed callers pass T
export interface HttpAnswer<T = any> {
  status: number;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or the text when the body is not JSON. */
  body: T;
  text: string;
}

/**
 * One request to eposd over HTTPS (self-signed certificate accepted) or plain HTTP (the screen),
 * on a connection of its own that closes afterwards, so that nothing is left open to delay a shutdown.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- kept as the default for the callers that read a field or two; typed callers pass T
export function httpsJson<T = any>(url: string, options: HttpOptions = {}): Promise<HttpAnswer<T>> {
  const { method = 'GET', headers = {}, body, timeoutMs = REQUEST_TIMEOUT_MS } = options;
  const payload = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const allHeaders: Record<string, string> = { accept: 'application/json', ...headers };
  if (payload !== undefined) {
    if (typeof body !== 'string' && !Buffer.isBuffer(body) && !hasHeader(allHeaders, 'content-type')) allHeaders['content-type'] = 'application/json';
    allHeaders['content-length'] = String(Buffer.byteLength(payload));
  }
  const send = new URL(url).protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolveAnswer, reject) => {
    const req = send(url, { method, headers: allHeaders, agent: false, rejectUnauthorized: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('utf8');
        resolveAnswer({ status: res.statusCode ?? 0, headers: res.headers, body: parse(text, res.headers['content-type']) as T, text });
      });
    });
    const timer = setTimeout(() => req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(payload);
  });
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}
