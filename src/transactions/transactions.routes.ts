import { Router } from 'express';
import type { AppContext } from '../context';
import { principalOf } from '../http/auth';
import { ApiError } from '../http/errors';
import { endpoint, route } from '../http/route';
import { StartQuery, StatusQuery, TransactionRequest } from './transactions.schemas';

export function transactionRoutes(ctx: AppContext): Router {
  const router = Router();
  // @NOTE A POS whose DHCP lease moved must never charge on the wrong terminal.
  const checkTid = (tid: string | undefined) => {
    if (tid !== undefined && tid !== ctx.identity.tid) throw new ApiError('TID_MISMATCH', 'The tid in the request is not this terminal\'s TID. Check which terminal this address belongs to.');
  };
  route(router, '/transaction', {
    POST: endpoint({
      before: [ctx.auth.pos],
      query: StartQuery,
      body: TransactionRequest,
      handle: ({ query, body }, _req, res) => {
        checkTid(query.tid);
        res.json(ctx.transactions.start(body, principalOf(res).registerId, query.disablePrinting === 'true'));
      },
    }),
    GET: endpoint({
      before: [ctx.auth.pos],
      query: StatusQuery,
      handle: ({ query }, _req, res) => {
        checkTid(query.tid);
        const answer = ctx.transactions.status(query.uti);
        if (!answer) throw new ApiError('NOT_FOUND', 'No transaction with that UTI exists on this terminal.', { uti: query.uti });
        res.status(answer.final ? 200 : 202).json(answer.body);
      },
    }),
  });
  return router;
}
