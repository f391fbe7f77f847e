import { Type } from '@sinclair/typebox';
import { endpoint, type AnyEndpoint } from '../http/endpoint';
import { CustomPrintAnswer, PrintBody, type PrintLines } from '../printer/custom-print';
import { ValidationError } from '../shared/errors';
import type { TransactionService } from './transactions.service';
import { PrintAnswer, PrintQuery } from './transactions.schemas';

type Query = { uti?: string; copy?: 'cardholder' | 'merchant' };

/** POST /print?uti=: a copy of that receipt, marked as a duplicate. */
async function reprint(transactions: TransactionService, query: Query) {
  if (query.uti === undefined) throw new ValidationError([{ field: 'uti', message: 'is required: the UTI of the receipt to print again (or send lines to print your own)' }]);
  const copy = query.copy ?? 'cardholder';
  await transactions.reprint(query.uti, copy);
  return { body: { uti: query.uti, copy, printed: true as const } };
}

/** POST /print with a body of lines: the POS's own (a kitchen ticket, a voucher). */
async function printLines(transactions: TransactionService, query: Query, lines: PrintLines) {
  if (query.uti !== undefined || query.copy !== undefined)
    throw new ValidationError([{ field: query.uti !== undefined ? 'uti' : 'copy', message: 'must not be sent with lines: they print a receipt again' }]);
  await transactions.printLines(lines);
  return { body: { printed: true as const, lines: lines.length } };
}

/** One path, two requests (the wire contract of docs/api.md): which one the body says. */
export function printEndpoint(transactions: TransactionService): AnyEndpoint {
  return endpoint({
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
    handle: ({ query, body }) => (body?.lines ? printLines(transactions, query, body.lines) : reprint(transactions, query)),
  });
}
