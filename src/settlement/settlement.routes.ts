import { Router } from 'express';
import type { AppContext } from '../context';
import { endpoint, route } from '../http/route';

export function settlementRoutes(ctx: AppContext): Router {
  const router = Router();
  route(router, '/settlement', {
    GET: endpoint({ before: [ctx.auth.pos], handle: (_i, _req, res) => res.json(ctx.settlement.current()) }),
    POST: endpoint({ before: [ctx.auth.pos, ctx.audited('settlement.close')], handle: (_i, _req, res) => res.json(ctx.settlement.close('POS')) }),
  });
  return router;
}
