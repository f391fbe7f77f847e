import type { IncomingMessage } from 'node:http';
import express, { type Request, type RequestHandler } from 'express';

export const BODY_LIMIT_BYTES = 16 * 1024;

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;

export function isJson(req: Request): boolean {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
  return JSON_TYPE.test(type);
}

export function hasBody(req: Request): boolean {
  const length = Number(req.headers['content-length'] ?? 0);
  return length > 0 || req.headers['transfer-encoding'] !== undefined;
}

/**
 * @NOTE No compressed bodies: a POS sends a few hundred bytes of plain JSON. With inflating on, a
 * body that was not really gzip, deflate or br surfaced as a 500; now every Content-Encoding but
 * identity is a 415.
 */
const parseJson = express.json({ limit: BODY_LIMIT_BYTES, strict: false, inflate: false, type: (req) => isJson(req as Request) });

/**
 * Parses JSON bodies up to 16 KiB. A larger declared length is answered 413 at once, before any of
 * the body is read: the body parser alone would read (and drop) all of it first. Node then drops the
 * rest of the body as it arrives, so the connection stays usable.
 */
export const jsonBody: RequestHandler = (req, res, next) => {
  if (isJson(req) && Number(req.headers['content-length'] ?? 0) > BODY_LIMIT_BYTES) {
    return next(Object.assign(new Error('request entity too large'), { type: 'entity.too.large', status: 413 }));
  }
  parseJson(req, res, next);
};

/**
 * Reads a JSON body before Express does (a fast path), for requests that plainJson() accepts: `done`
 * gets the value, or the error the body parser would have given. The body stays on the request, so
 * the body parser leaves it alone when the request goes on to Express.
 */
export function readJsonBody(req: IncomingMessage, done: (err: Error | undefined, body?: unknown) => void): void {
  const chunks: Buffer[] = [];
  let settled = false;
  const settle = (err: Error | undefined, body?: unknown) => {
    if (settled) return;
    settled = true;
    done(err, body);
  };
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.once('error', () => settle(Object.assign(new Error('request aborted'), { type: 'request.aborted', status: 400 })));
  req.once('end', () => {
    let text = Buffer.concat(chunks).toString('utf8');
    // As the body parser's UTF-8 decoding does.
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return settle(Object.assign(new Error('malformed JSON'), { type: 'entity.parse.failed', status: 400 }));
    }
    (req as IncomingMessage & { body?: unknown }).body = body;
    settle(undefined, body);
  });
}

const PLAIN_JSON = /^application\/json(?:;\s*charset=utf-8)?$/i;

/** A body of 1 byte to 16 KiB of plain UTF-8 JSON, with its length declared and no encoding: the kind readJsonBody reads. */
export function plainJson(req: IncomingMessage): boolean {
  const { 'content-type': type, 'content-length': length, 'content-encoding': encoding, 'transfer-encoding': chunked } = req.headers;
  const bytes = Number(length);
  return type !== undefined && PLAIN_JSON.test(type) && bytes > 0 && bytes <= BODY_LIMIT_BYTES && encoding === undefined && chunked === undefined;
}
