import { Router } from 'express';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../context';
import { endpoint, route } from '../http/route';
import { checkTid } from '../identity/tid';
import { Tid } from '../transactions/transactions.schemas';
import { Batch } from './settlement.schemas';

const SettlementQuery = Type.Object({ tid: Type.Optional(Tid) }, { additionalProperties: false });

export function settlementRoutes(ctx: AppContext): Router {
  const router = Router();
  route(router, '/settlement', {
    GET: endpoint({
      summary: 'The open batch: counts and totals per type, and the net',
      responses: { 200: { description: 'The open batch', schema: Batch } },
      errors: ['TID_MISMATCH'],
      before: [ctx.auth.pos],
      query: SettlementQuery,
      handle: ({ query }, _req, res) => {
        checkTid(ctx.identity.tid, query.tid);
        res.json(ctx.settlement.current());
      },
    }),
    POST: endpoint({
      summary: 'Close the batch (end of day): prints a Z report and answers the closed batch',
      responses: { 200: { description: 'The closed batch', schema: Batch } },
      errors: ['TID_MISMATCH', 'TERMINAL_BUSY'],
      before: [ctx.auth.pos, ctx.audited('settlement.close')],
      query: SettlementQuery,
      handle: ({ query }, _req, res) => {
        checkTid(ctx.identity.tid, query.tid);
        res.json(ctx.settlement.close('POS'));
      },
    }),
  });
  return router;
}
