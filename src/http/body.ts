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
 * Parses JSON bodies up to 16 KiB; a larger declared length is refused before any of it is read.
 * @NOTE No compressed bodies: a POS sends a few hundred bytes of plain JSON. With inflating on, a
 * body that was not really gzip, deflate or br surfaced as a 500; now every Content-Encoding but
 * identity is a 415.
 */
export const jsonBody: RequestHandler = express.json({ limit: BODY_LIMIT_BYTES, strict: false, inflate: false, type: (req) => isJson(req as Request) });
