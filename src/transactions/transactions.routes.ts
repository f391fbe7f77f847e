import { ApiError, ValidationError } from '../shared/errors';
import { endpoint, type AnyEndpoint } from '../http/endpoint';
import { answerOrWait } from '../http/long-poll';
import type { PairingService } from '../pairing/pairing.service';
import type { EventFeed, FeedEvent } from './event-feed';
import { Type } from '@sinclair/typebox';
import { CustomPrintAnswer, PrintBody } from '../printer/custom-print';
import type { Notice, Notices } from '../webhooks/notices';
import { metadataFilters } from './order';
import type { TransactionService } from './transactions.service';
import type { OutcomeWaiters } from './waiters';
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

export interface TransactionRoutesDeps {
  transactions: TransactionService;
  waiters: OutcomeWaiters;
  feed: EventFeed;
  pairing: Pick<PairingService, 'onRevoked'>;
  /** settlement.closed, register.paired, register.unpaired: frames of their own on the stream. */
  notices?: Pick<Notices, 'on' | 'off'>;
}

function instant(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ValidationError([{ field, message: 'is not a real date' }]);
  return ms;
}

const notFound = (uti: string) => new ApiError('NOT_FOUND', 'No transaction with that UTI exists on this terminal.', { uti });

export function transactionEndpoints({ transactions, waiters, feed, pairing, notices }: TransactionRoutesDeps): AnyEndpoint[] {
  return [
    endpoint({
      method: 'POST',
      path: '/transaction',
      auth: 'pos',
      tid: true,
      audit: 'transaction.start',
      summary: 'Start a SALE, REFUND, PREAUTH, COMPLETION, REVERSAL or INCREMENT; answers the UTI at once',
      description:
        'The answer comes once the transaction is committed. A SALE, REFUND or PREAUTH may carry its own uti: a retry with the same body replays the acknowledgement. Currencies, tips (tipAmount, tipOnTerminal), cashback, linked refunds (originalUti), partial approvals and INCREMENT are optional (docs/payments.md).',
      responses: { 200: { description: 'Accepted: read the outcome with GET /transaction', schema: Acknowledgement } },
      errors: [
        'TID_MISMATCH',
        'TERMINAL_BUSY',
        'ORIGINAL_NOT_FOUND',
        'INVALID_ORIGINAL',
        'ALREADY_COMPLETED',
        'ALREADY_VOIDED',
        'ALREADY_SETTLED',
        'ALREADY_REFUNDED',
        'AMOUNT_EXCEEDS_PREAUTH',
        'UTI_CONFLICT',
        'CURRENCY_NOT_SUPPORTED',
        'CURRENCY_MISMATCH',
        'CASHBACK_NOT_ALLOWED',
        'AMOUNT_EXCEEDS_ORIGINAL',
        'UNLINKED_REFUND_NOT_ALLOWED',
      ],
      query: StartQuery,
      body: TransactionRequest,
      handle: ({ query, body, caller }) => {
        const ack = transactions.start(body, caller.registerId!, query.disablePrinting === 'true');
        return { body: ack, audit: { uti: ack.uti } };
      },
    }),
    endpoint({
      method: 'GET',
      path: '/transaction',
      auth: 'pos',
      tid: true,
      summary: 'Read a transaction: 202 while it runs, 200 when final; wait=N holds the answer until then',
      responses: {
        200: { description: 'Final', schema: FinalStatus },
        202: { description: 'In progress', schema: InProgressStatus },
      },
      errors: ['TID_MISMATCH', 'NOT_FOUND'],
      query: StatusQuery,
      handle: (input) => {
        const { query } = input;
        const answer = transactions.status(query.uti);
        if (!answer) throw notFound(query.uti);
        return answerOrWait(
          answer,
          query.wait,
          input,
          (ms, signal) => waiters.wait(query.uti, ms, signal),
          () => transactions.status(query.uti),
        );
      },
    }),
    endpoint({
      method: 'DELETE',
      path: '/transaction',
      auth: 'pos',
      tid: true,
      audit: 'transaction.cancel',
      summary: 'Cancel the payment while the terminal waits for a card or a PIN',
      responses: { 200: { description: 'Cancelled: the final status', schema: FinalStatus } },
      errors: ['TID_MISMATCH', 'NOT_FOUND', 'CANNOT_CANCEL'],
      query: CancelQuery,
      handle: ({ query, caller }) => ({ body: transactions.cancel({ uti: query.uti, registerId: caller.registerId! }).body }),
    }),
    endpoint({
      method: 'GET',
      path: '/transactions',
      auth: 'pos',
      tid: true,
      summary: 'Find transactions, newest first, e.g. by your reference after a lost answer',
      responses: { 200: { description: 'A page of transactions', schema: SearchPage } },
      errors: ['TID_MISMATCH'],
      query: SearchQuery,
      handle: ({ query }) => ({
        body: transactions.find({
          reference: query.reference,
          status: query.status,
          type: query.type,
          from: instant(query.from, 'from'),
          to: instant(query.to, 'to'),
          limit: query.limit === undefined ? 20 : Number(query.limit),
          cursor: query.cursor,
          metadata: metadataFilters(query),
        }),
      }),
    }),
    endpoint({
      method: 'POST',
      path: '/print',
      auth: 'pos',
      tid: true,
      audit: ({ body }) => (body?.lines ? 'print.custom' : 'receipt.reprint'),
      summary: "Print a receipt again (?uti=), or the POS's own lines (a body of lines)",
      description:
        'With ?uti= (and no body, or {}): a copy of that receipt, marked as a duplicate. With {"lines": [[text, LEFT|CENTER|RIGHT, NORMAL|BOLD|LARGE], …]} and no uti: those lines, e.g. a kitchen ticket; 409 TERMINAL_BUSY while a payment prints.',
      responses: { 200: { description: 'Printed', schema: Type.Union([PrintAnswer, CustomPrintAnswer]) } },
      errors: ['TID_MISMATCH', 'NOT_FOUND', 'NOTHING_TO_PRINT', 'TERMINAL_BUSY', 'PRINT_QUEUE_FULL'],
      query: PrintQuery,
      body: PrintBody,
      bodyOptional: true,
      handle: async ({ query, body }) => {
        if (body?.lines) {
          if (query.uti !== undefined || query.copy !== undefined)
            throw new ValidationError([{ field: query.uti !== undefined ? 'uti' : 'copy', message: 'must not be sent with lines: they print a receipt again' }]);
          await transactions.printLines(body.lines);
          return { body: { printed: true, lines: body.lines.length } };
        }
        if (query.uti === undefined) throw new ValidationError([{ field: 'uti', message: 'is required: the UTI of the receipt to print again (or send lines to print your own)' }]);
        const copy = query.copy ?? 'cardholder';
        await transactions.reprint(query.uti, copy);
        return { body: { uti: query.uti, copy, printed: true } };
      },
    }),
    endpoint({
      method: 'GET',
      path: '/events',
      auth: 'pos',
      tid: true,
      summary: "Server-Sent Events of every transaction's stages and outcome; send Last-Event-ID to resume",
      responses: { 200: { description: 'An event stream: `event: transaction`, `id`, and `data` as below', schema: FeedEventSchema, contentType: 'text/event-stream' } },
      errors: ['TID_MISMATCH'],
      query: EventsQuery,
      handle: ({ headers, caller }) => ({
        stream: (stream) => {
          const header = headers['last-event-id'];
          const lastId = typeof header === 'string' && /^\d{1,15}$/.test(header) ? Number(header) : undefined;
          const send = (e: FeedEvent) => stream.send({ id: String(e.id), event: 'transaction', data: e });
          if (lastId !== undefined) {
            const missed = feed.since(lastId);
            if (missed.truncated) stream.send({ event: 'truncated', data: { message: 'More events were missed than the replay window holds; read GET /transactions.' } });
            missed.events.forEach(send);
          }
          feed.on('event', send);
          // Live only: they are not in the replay of Last-Event-ID (read GET /settlement after a gap).
          const tell = (n: Notice) => (n.to === undefined || n.to === caller.registerId) && stream.send({ event: n.event, data: n.data });
          notices?.on('notice', tell);
          // @NOTE The token is checked when the stream opens; a register unpaired or re-paired since must stop hearing.
          const stopWatching = pairing.onRevoked((id) => (id === '*' || id === caller.registerId) && stream.end());
          stream.onClose(() => {
            feed.off('event', send);
            notices?.off('notice', tell);
            stopWatching();
          });
        },
      }),
    }),
  ];
}
