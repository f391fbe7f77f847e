import type { RequestHandler } from 'express';
import { ApiError } from '../http/errors';

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * @NOTE The screen is bound to loopback, but a web page in a browser on the same laptop could still
 * reach it through DNS rebinding (a name of the attacker's that resolves to 127.0.0.1). Such a request
 * carries the attacker's name in its Host header: only loopback names are answered.
 */
export const loopbackHostOnly: RequestHandler = (req, _res, next) => {
  const host = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
  if (LOOPBACK_NAMES.has(host)) return next();
  next(new ApiError('FORBIDDEN', 'The screen answers only to 127.0.0.1 or localhost.'));
};
