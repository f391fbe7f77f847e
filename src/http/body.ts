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
