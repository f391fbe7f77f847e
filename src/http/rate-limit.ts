import type { IncomingMessage, ServerResponse } from 'node:http';
import rateLimit from 'express-rate-limit';
import { ApiError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { writeAnswer } from './answer';
import type { HeaderList } from './headers';
import { problemAnswer } from './problems';

export type Limiter = (req: IncomingMessage, res: ServerResponse, next: () => void) => unknown;

/**
 * @NOTE Per-address limit on top of pairing's per-code counter: a LAN host guessing codes is slowed
 * before it reaches the 5 wrong tries that kill the code.
 */
export function limiterFor(perMinute: number, headers: HeaderList, logger: Logger): Limiter {
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // The front door's requests are Node's own, without Express's req.ip.
    keyGenerator: (req) => req.socket.remoteAddress ?? 'unknown',
    validate: { ip: false, keyGeneratorIpFallback: false },
    handler: (_req, res) => writeAnswer(res, headers, problemAnswer(new ApiError('RATE_LIMITED', 'Too many requests from this address. Wait a minute.'), logger)),
  });
  return (req, res, next) => limiter(req as never, res as never, next);
}
