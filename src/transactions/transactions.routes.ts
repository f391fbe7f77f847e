import { Router } from 'express';
import type { AppContext } from '../context';
import { principalOf } from '../http/auth';
import { ApiError, ValidationError } from '../http/errors';
import { endpoint, route } from '../http/route';
import { openEventStream } from '../http/sse';
import { finalBody } from './status';
import { CancelQuery, EventsQuery, PrintQuery, SearchQuery, StartQuery, StatusQuery, TransactionRequest } from './transactions.schemas';
import type { FeedEvent } from './event-feed';

function instant(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ValidationError([{ field, message: 'is not a real date' }]);
  return ms;
}

export function transactionRoutes(ctx: AppContext): Router {
  const router = Router();
  // @NOTE A POS whose DHCP lease moved must never charge on the wrong terminal.
  const checkTid = (tid: string | undefined) => {
    if (tid !== undefined && tid !== ctx.identity.tid) throw new ApiError('TID_MISMATCH', "The tid in the request is not this terminal's TID. Check which terminal this address belongs to.");
  };
  const notFound = (uti: string) => new ApiError('NOT_FOUND', 'No transaction with that UTI exists on this terminal.', { uti });

  route(router, '/transaction', {
    POST: endpoint({
      before: [ctx.auth.pos, ctx.audited('transaction.start')],
      query: StartQuery,
      body: TransactionRequest,
      handle: ({ query, body }, _req, res) => {
        checkTid(query.tid);
        const ack = ctx.transactions.start(body, principalOf(res).registerId, query.disablePrinting === 'true');
        res.locals.uti = ack.uti;
        res.json(ack);
      },
    }),
    GET: endpoint({
      before: [ctx.auth.pos],
      query: StatusQuery,
      handle: async ({ query }, req, res) => {
        checkTid(query.tid);
        let answer = ctx.transactions.status(query.uti);
        if (!answer) throw notFound(query.uti);
        if (!answer.final && query.wait !== undefined) {
          const gone = new AbortController();
          req.on('close', () => gone.abort());
          await ctx.waiters.wait(query.uti, Number(query.wait) * 1000, gone.signal);
          answer = ctx.transactions.status(query.uti) ?? answer;
        }
        res.status(answer.final ? 200 : 202).json(answer.body);
      },
    }),
    DELETE: endpoint({
      before: [ctx.auth.pos, ctx.audited('transaction.cancel')],
      query: CancelQuery,
      handle: ({ query }, _req, res) => {
        checkTid(query.tid);
        res.json(ctx.transactions.cancel(query.uti, principalOf(res).registerId).body);
      },
    }),
  });

  route(router, '/transactions', {
    GET: endpoint({
      before: [ctx.auth.pos],
      query: SearchQuery,
      handle: ({ query }, _req, res) => {
        const { rows, nextCursor } = ctx.search.find({
          reference: query.reference,
          status: query.status,
          type: query.type,
          from: instant(query.from, 'from'),
          to: instant(query.to, 'to'),
          limit: query.limit === undefined ? 20 : Number(query.limit),
          cursor: query.cursor,
        });
        // Lists leave out the receipts: GET /transaction has them.
        const transactions = rows.map((tx) => {
          const { cardholderReceipt: _c, merchantReceipt: _m, ...summary } = finalBody(tx, ctx.identity);
          return tx.status === 'IN_PROGRESS' ? { ...summary, transApproved: undefined, stage: tx.stage } : summary;
        });
        res.json({ transactions, nextCursor });
      },
    }),
  });

  route(router, '/print', {
    POST: endpoint({
      before: [ctx.auth.pos, ctx.audited('receipt.reprint')],
      query: PrintQuery,
      handle: async ({ query }, _req, res) => {
        checkTid(query.tid);
        await ctx.transactions.reprint(query.uti, query.copy ?? 'cardholder');
        res.json({ uti: query.uti, copy: query.copy ?? 'cardholder', printed: true });
      },
    }),
  });

  route(router, '/events', {
    GET: endpoint({
      before: [ctx.auth.pos],
      query: EventsQuery,
      handle: (_i, req, res) => {
        const header = req.headers['last-event-id'];
        const lastId = typeof header === 'string' && /^\d{1,15}$/.test(header) ? Number(header) : undefined;
        const stream = openEventStream(req, res);
        const send = (e: FeedEvent) => stream.send({ id: String(e.id), event: 'transaction', data: e });
        if (lastId !== undefined) {
          const missed = ctx.feed.since(lastId);
          if (missed.truncated) stream.send({ event: 'truncated', data: { message: 'More events were missed than the replay window holds; read GET /transactions.' } });
          missed.events.forEach(send);
        }
        ctx.feed.on('event', send);
        stream.onClose(() => ctx.feed.off('event', send));
      },
    }),
  });
  return router;
}
