import { Router } from 'express';
import type { AppContext } from '../context';
import { principalOf } from '../http/auth';
import { ApiError, ValidationError } from '../http/errors';
import { checkTid as checkOurTid } from '../identity/tid';
import { endpoint, route } from '../http/route';
import { openEventStream } from '../http/sse';
import { summaryBody } from './status';
import {
  Acknowledgement,
  CancelQuery,
  EventsQuery,
  FeedEventSchema,
  FinalStatus,
  InProgressStatus,
  PrintAnswer,
  PrintQuery,
  SearchPage,
  SearchQuery,
  StartQuery,
  StatusQuery,
  TransactionRequest,
} from './transactions.schemas';
import type { FeedEvent } from './event-feed';
import { START_AUDIT_EVENT } from './start-fast-path';

function instant(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ValidationError([{ field, message: 'is not a real date' }]);
  return ms;
}

export function transactionRoutes(ctx: AppContext): Router {
  const router = Router();
  const checkTid = (tid: string | undefined) => checkOurTid(ctx.identity.tid, tid);
  const notFound = (uti: string) => new ApiError('NOT_FOUND', 'No transaction with that UTI exists on this terminal.', { uti });

  route(router, '/transaction', {
    POST: endpoint({
      summary: 'Start a SALE, REFUND, PREAUTH, COMPLETION or REVERSAL; answers the UTI at once',
      description: 'The answer comes once the transaction is committed. A SALE, REFUND or PREAUTH may carry its own uti: a retry with the same body replays the acknowledgement.',
      responses: { 200: { description: 'Accepted: read the outcome with GET /transaction', schema: Acknowledgement } },
      errors: ['TID_MISMATCH', 'TERMINAL_BUSY', 'ORIGINAL_NOT_FOUND', 'INVALID_ORIGINAL', 'ALREADY_COMPLETED', 'ALREADY_VOIDED', 'ALREADY_SETTLED', 'AMOUNT_EXCEEDS_PREAUTH', 'UTI_CONFLICT'],
      before: [ctx.auth.pos, ctx.audited(START_AUDIT_EVENT)],
      query: StartQuery,
      body: TransactionRequest,
      handle: ({ query, body }, _req, res) => {
        checkTid(query.tid);
        ctx.transactions.start(body, principalOf(res).registerId, query.disablePrinting === 'true', (ack) => {
          res.locals.uti = ack.uti;
          res.json(ack);
        });
      },
    }),
    GET: endpoint({
      summary: 'Read a transaction: 202 while it runs, 200 when final; wait=N holds the answer until then',
      responses: {
        200: { description: 'Final', schema: FinalStatus },
        202: { description: 'In progress', schema: InProgressStatus },
      },
      errors: ['TID_MISMATCH', 'NOT_FOUND'],
      before: [ctx.auth.pos],
      query: StatusQuery,
      handle: async ({ query }, req, res) => {
        checkTid(query.tid);
        let answer = ctx.transactions.status(query.uti);
        if (!answer) throw notFound(query.uti);
        if (!answer.final && query.wait !== undefined && !req.destroyed) {
          const gone = new AbortController();
          req.on('close', () => gone.abort());
          await ctx.waiters.wait(query.uti, Number(query.wait) * 1000, gone.signal);
          answer = ctx.transactions.status(query.uti) ?? answer;
        }
        res.status(answer.final ? 200 : 202).json(answer.body);
      },
    }),
    DELETE: endpoint({
      summary: 'Cancel the payment while the terminal waits for a card or a PIN',
      responses: { 200: { description: 'Cancelled: the final status', schema: FinalStatus } },
      errors: ['TID_MISMATCH', 'NOT_FOUND', 'CANNOT_CANCEL'],
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
      summary: 'Find transactions, newest first, e.g. by your reference after a lost answer',
      responses: { 200: { description: 'A page of transactions', schema: SearchPage } },
      errors: ['TID_MISMATCH'],
      before: [ctx.auth.pos],
      query: SearchQuery,
      handle: ({ query }, _req, res) => {
        checkTid(query.tid);
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
          const summary = summaryBody(tx, ctx.identity);
          return tx.status === 'IN_PROGRESS' ? { ...summary, transApproved: undefined, stage: tx.stage } : summary;
        });
        res.json({ transactions, nextCursor });
      },
    }),
  });

  route(router, '/print', {
    POST: endpoint({
      summary: 'Print a receipt again',
      responses: { 200: { description: 'Printed', schema: PrintAnswer } },
      errors: ['TID_MISMATCH', 'NOT_FOUND', 'NOTHING_TO_PRINT'],
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
      summary: 'Server-Sent Events of every transaction\'s stages and outcome; send Last-Event-ID to resume',
      responses: { 200: { description: 'An event stream: `event: transaction`, `id`, and `data` as below', schema: FeedEventSchema, contentType: 'text/event-stream' } },
      errors: ['TID_MISMATCH'],
      before: [ctx.auth.pos],
      query: EventsQuery,
      handle: ({ query }, req, res) => {
        checkTid(query.tid);
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
        // @NOTE The token is checked when the stream opens; a register unpaired or re-paired since must stop hearing.
        const me = principalOf(res).registerId;
        const stopWatching = ctx.pairing.onRevoked((id) => (id === '*' || id === me) && res.end());
        stream.onClose(() => {
          ctx.feed.off('event', send);
          stopWatching();
        });
      },
    }),
  });
  return router;
}
