import { Router, type Response } from 'express';
import type { Paired } from './pairing.service';
import rateLimit from 'express-rate-limit';
import type { AppContext } from '../context';
import { ApiError } from '../http/errors';
import { principalOf } from '../http/auth';
import { endpoint, route } from '../http/route';
import { PairingAnswer, PairingInput } from './pairing.schemas';

function paired(res: Response, answer: Paired): void {
  res.locals.auditActor = answer.registerId;
  res.locals.auditRole = answer.role;
  res.set('Cache-Control', 'no-store').json(answer);
}

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
      summary: 'Pair a POS (or a technician) with the code shown on the terminal',
      responses: { 200: { description: 'Paired: keep authToken secret and pin certificateFingerprint', schema: PairingAnswer } },
      errors: ['PAIRING_FAILED', 'RATE_LIMITED'],
      before: [limiter, ctx.audited('pairing')],
      query: PairingInput,
      handle: ({ query }, _req, res) => paired(res, ctx.pairing.pair(query)),
    }),
    POST: endpoint({
      summary: 'Pair, with the same fields as JSON',
      responses: { 200: { description: 'Paired', schema: PairingAnswer } },
      errors: ['PAIRING_FAILED', 'RATE_LIMITED'],
      before: [limiter, ctx.audited('pairing')],
      body: PairingInput,
      handle: ({ body }, _req, res) => paired(res, ctx.pairing.pair(body)),
    }),
    DELETE: endpoint({
      summary: 'Unpair the caller: its token stops working',
      responses: { 204: { description: 'Unpaired' } },
      before: [ctx.auth.anyone, ctx.audited('unpair')],
      handle: (_input, _req, res) => {
        ctx.pairing.unpair(principalOf(res).registerId);
        res.status(204).end();
      },
    }),
  });
  return router;
}
