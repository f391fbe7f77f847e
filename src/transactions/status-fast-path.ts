import type { Request } from 'express';
import type { AppContext } from '../context';
import { hasBody } from '../http/body';
import { sendJson, type FastPath, type HeaderList } from '../http/fast-path';
import { checker } from '../http/validation';
import type { TransactionRow } from './transactions.repository';
import { posRequest } from './pos-request';
import { StatusQuery } from './transactions.schemas';

/** How many answers are kept for reuse: the transactions POS are reading now. */
const REMEMBERED = 64;

interface Answer {
  tx: TransactionRow;
  original: TransactionRow | undefined;
  status: 200 | 202;
  json: string;
}

function sameRow(a: TransactionRow | undefined, b: TransactionRow | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  for (const key in a) {
    const x = a[key as keyof TransactionRow];
    const y = b[key as keyof TransactionRow];
    if (x !== y && !(Buffer.isBuffer(x) && Buffer.isBuffer(y) && x.equals(y))) return false;
  }
  return true;
}

/**
 * GET /transaction as transactions.routes.ts answers it when all is well: a POS token, a valid query,
 * our tid or none, a known UTI, and an answer that needs no waiting. This is the request a POS (or
 * several: any POS may read any transaction) sends again and again while a payment runs and after.
 * Everything else is declined and goes to the route.
 * @NOTE The answer is a function of the transaction's row and its original's only: it is kept, and
 * sent again as long as both rows read now are the same, field by field. Shaping and serializing it
 * cost more than the rest of the lookup (docs/performance.md).
 */
export function statusFastPath(ctx: AppContext, path: string, headers: HeaderList): FastPath {
  const checkQuery = checker(StatusQuery, 'query');
  const answers = new Map<string, Answer>();
  const answerFor = (tx: TransactionRow, original: TransactionRow | undefined): Answer => {
    const kept = answers.get(tx.uti);
    if (kept && sameRow(kept.tx, tx) && sameRow(kept.original, original)) return kept;
    // The service reads the same rows again: nothing runs in between.
    const answer = ctx.transactions.status(tx.uti)!;
    const made: Answer = { tx, original, status: answer.final ? 200 : 202, json: JSON.stringify(answer.body) };
    answers.delete(tx.uti);
    if (answers.size >= REMEMBERED) answers.delete(answers.keys().next().value!);
    answers.set(tx.uti, made);
    return made;
  };
  return (req, res) => {
    if (hasBody(req as Request)) return false;
    const request = posRequest(ctx, req, 'GET', path, checkQuery);
    if (!request) return false;
    const { query } = request;
    try {
      const tx = ctx.transactionsRepo.findByUti(query.uti);
      // Waiting for the outcome is the route's to do.
      if (!tx || (tx.status === 'IN_PROGRESS' && query.wait !== undefined)) return false;
      const answer = answerFor(tx, tx.originalUti ? ctx.transactionsRepo.findByUti(tx.originalUti) : undefined);
      sendJson(res, answer.status, headers, answer.json);
      return true;
    } catch {
      return false;
    }
  };
}
