import { Router } from 'express';
import rateLimit from 'express-rate-limit';
import type { AppContext } from '../context';
import { ApiError } from '../http/errors';
import { principalOf } from '../http/auth';
import { endpoint, route } from '../http/route';
import { PairingInput } from './pairing.schemas';

export function pairingRoutes(ctx: AppContext): Router {
  const router = Router();
  // @NOTE Per-address limit on top of the per-code counter: a LAN host guessing codes is slowed
  // before it reaches the 5 wrong tries that kill the code.
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: ctx.config.pairRateLimit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new ApiError('RATE_LIMITED', 'Too many pairing attempts from this address. Wait a minute.')),
  });
  route(router, '/pair', {
    GET: endpoint({
      before: [limiter],
      query: PairingInput,
      handle: ({ query }, _req, res) => res.set('Cache-Control', 'no-store').json(ctx.pairing.pair(query)),
    }),
    POST: endpoint({
      before: [limiter],
      body: PairingInput,
      handle: ({ body }, _req, res) => res.set('Cache-Control', 'no-store').json(ctx.pairing.pair(body)),
    }),
    DELETE: endpoint({
      before: [ctx.auth.anyone],
      handle: (_input, _req, res) => {
        ctx.pairing.unpair(principalOf(res).registerId);
        res.status(204).end();
      },
    }),
  });
  return router;
}
