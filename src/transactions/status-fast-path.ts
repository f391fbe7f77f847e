import type { OutgoingHttpHeaders } from 'node:http';
import type { Request } from 'express';
import { parse } from 'node:querystring';
import type { AppContext } from '../context';
import { hasBody } from '../http/body';
import { sendJson, type FastPath } from '../http/fast-path';
import { checker } from '../http/validation';
import { tokenFromHeader } from '../pairing/tokens';
import { StatusQuery } from './transactions.schemas';

/**
 * GET /transaction as transactions.routes.ts answers it when all is well: a POS token, a valid query,
 * our tid or none, a known UTI, and an answer that needs no waiting. This is the request a POS (or
 * several: any POS may read any transaction) sends again and again while a payment runs and after.
 * Everything else is declined and goes to the route.
 */
export function statusFastPath(ctx: AppContext, path: string, headers: OutgoingHttpHeaders): FastPath {
  const checkQuery = checker(StatusQuery, 'query');
  return (req, res) => {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    if (req.method !== 'GET' || q !== path.length || !url.startsWith(path) || hasBody(req as Request)) return false;
    try {
      const query = checkQuery({ ...parse(url.slice(q + 1)) });
      if (query.tid !== undefined && query.tid !== ctx.identity.tid) return false;
      if (ctx.pairing.authenticate(tokenFromHeader(req.headers.authorization))?.role !== 'pos') return false;
      const answer = ctx.transactions.status(query.uti);
      if (!answer || (!answer.final && query.wait !== undefined)) return false;
      sendJson(res, answer.final ? 200 : 202, headers, answer.body);
      return true;
    } catch {
      return false;
    }
  };
}
