import type { IncomingMessage } from 'node:http';
import { parse } from 'node:querystring';
import type { AppContext } from '../context';
import type { Principal } from '../pairing/pairing.service';
import { tokenFromHeader } from '../pairing/tokens';

/**
 * What the fast paths check before they answer a POS as its route would: `method` on exactly `path`,
 * a query that `checkQuery` accepts, our tid or none, and a POS's token. Undefined when any of it
 * fails: the route answers then, with its error.
 */
export function posRequest<Q extends { tid?: string }>(
  ctx: AppContext,
  req: IncomingMessage,
  method: 'GET' | 'POST',
  path: string,
  checkQuery: (value: unknown) => Q,
): { query: Q; principal: Principal } | undefined {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  if (req.method !== method || (q < 0 ? url.length : q) !== path.length || !url.startsWith(path)) return undefined;
  let query: Q;
  try {
    query = checkQuery(q < 0 ? {} : { ...parse(url.slice(q + 1)) });
  } catch {
    return undefined;
  }
  if (query.tid !== undefined && query.tid !== ctx.identity.tid) return undefined;
  const principal = ctx.pairing.authenticate(tokenFromHeader(req.headers.authorization));
  return principal?.role === 'pos' ? { query, principal } : undefined;
}
