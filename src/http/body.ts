import type { IncomingMessage } from 'node:http';
import { ApiError } from '../shared/errors';
import { parseBody } from './json';

export const BODY_LIMIT_BYTES = 16 * 1024;

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;
const CHARSET = /;\s*charset\s*=\s*"?([\w-]+)"?/i;

/** What a request carries: nothing, a body that is not JSON (never read), or a JSON value. */
export type Body = { kind: 'none' } | { kind: 'other' } | { kind: 'json'; value: unknown };

export const NO_BODY: Body = { kind: 'none' };

function hasBody(req: IncomingMessage): boolean {
  const length = Number(req.headers['content-length'] ?? 0);
  return length > 0 || req.headers['transfer-encoding'] !== undefined;
}

/**
 * Reads a request's JSON body, up to 16 KiB. A larger declared length is refused at once, before any of
 * it is read; a body that grows past the limit is refused when it does. Node drops the rest as it
 * arrives, so the connection stays usable.
 * @NOTE No compressed bodies: a POS sends a few hundred bytes of plain JSON, and inflating is a way to
 * make a small body large. Every Content-Encoding but identity is a 415, as is a charset but UTF-8.
 */
export function readBody(req: IncomingMessage): Body | Promise<Body> {
  if (!hasBody(req)) return NO_BODY;
  const type = req.headers['content-type'] ?? '';
  if (!JSON_TYPE.test(type.split(';')[0]!.trim())) return { kind: 'other' };
  const charset = CHARSET.exec(type)?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'The body must be UTF-8 JSON.');
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity') throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'The body must not be compressed.');
  if (Number(req.headers['content-length'] ?? 0) > BODY_LIMIT_BYTES) throw tooLarge();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const fail = (err: ApiError) => {
      req.removeAllListeners('data');
      reject(err);
    };
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > BODY_LIMIT_BYTES) return fail(tooLarge());
      chunks.push(chunk);
    });
    req.once('error', () => fail(new ApiError('VALIDATION_FAILED', 'The body was not received completely.')));
    req.once('end', () => {
      if (bytes > BODY_LIMIT_BYTES) return;
      let value: unknown;
      try {
        value = parseBody(Buffer.concat(chunks, bytes).toString('utf8'));
      } catch (err) {
        return reject(err instanceof Error ? err : new Error(String(err)));
      }
      resolve({ kind: 'json', value });
    });
  });
}

const tooLarge = () => new ApiError('PAYLOAD_TOO_LARGE', 'The body must be at most 16 KiB.');
