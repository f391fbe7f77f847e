import { Router } from 'express';
import type { AppContext } from '../context';
import { endpoint, route } from '../http/route';
import { Batch } from './settlement.schemas';

export function settlementRoutes(ctx: AppContext): Router {
  const router = Router();
  route(router, '/settlement', {
    GET: endpoint({
      summary: 'The open batch: counts and totals per type, and the net',
      responses: { 200: { description: 'The open batch', schema: Batch } },
      before: [ctx.auth.pos], handle: (_i, _req, res) => res.json(ctx.settlement.current()) }),
    POST: endpoint({
      summary: 'Close the batch (end of day): prints a Z report and answers the closed batch',
      responses: { 200: { description: 'The closed batch', schema: Batch } },
      before: [ctx.auth.pos, ctx.audited('settlement.close')], handle: (_i, _req, res) => res.json(ctx.settlement.close('POS')) }),
  });
  return router;
}
