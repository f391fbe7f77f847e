import { Router } from 'express';
import type { AppContext } from '../context';
import { Type } from '@sinclair/typebox';
import { endpoint, route } from '../http/route';

export const Health = Type.Object({
  status: Type.Union([Type.Literal('UP'), Type.Literal('DEGRADED')], { description: 'DEGRADED: up, answering reads, but taking no new payments (see problems)' }),
  version: Type.String(),
  tid: Type.String(),
  problems: Type.Optional(Type.Array(Type.String(), { description: 'Error codes of what is wrong, e.g. STORAGE_CORRUPT' })),
});
import { VERSION } from '../shared/version';

/** Liveness for anyone on the network: no token, and nothing beyond that the terminal is up. */
export function healthRoutes(ctx: AppContext): Router {
  const router = Router();
  route(router, '/health', {
    GET: endpoint({
      summary: 'Liveness: no token needed',
      responses: { 200: { description: 'The terminal is up', schema: Health } },
      handle: (_i, _req, res) => res.json({ status: ctx.storage.corrupt ? 'DEGRADED' : 'UP', version: VERSION, tid: ctx.identity.tid, ...(ctx.storage.corrupt ? { problems: ['STORAGE_CORRUPT'] } : {}) }),
    }),
  });
  return router;
}
