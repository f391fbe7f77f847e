import type { AppContext } from '../context';
import { plainJson, readJsonBody } from '../http/body';
import { ApiError } from '../http/errors';
import { sendJson, type FastPath, type HeaderList } from '../http/fast-path';
import { checker } from '../http/validation';
import { posRequest } from './pos-request';
import { needsCard } from './states';
import { StartQuery, TransactionRequest, type Acknowledgement } from './transactions.schemas';

/** What the route records in the audit trail for a transaction started. */
export const START_AUDIT_EVENT = 'transaction.start';

/**
 * POST /transaction as transactions.routes.ts answers it when all is well: a POS token, a valid query
 * and body, our tid or none, an idle terminal, and a SALE, REFUND or PREAUTH without a UTI of its own
 * (no replay to look for). This is the request whose answer a POS waits on while the customer stands
 * at the till. Anything else is declined: before its body is read, or after, when the body is handed to
 * the route as read.
 * @NOTE TransactionService.start changes nothing when it refuses (it checks everything before it
 * commits), so a start refused here is declined and the route checks it again and answers it.
 */
export function startFastPath(ctx: AppContext, path: string, headers: HeaderList): FastPath {
  const checkQuery = checker(StartQuery, 'query');
  const checkBody = checker(TransactionRequest, 'body');
  return (req, res, decline) => {
    if (!plainJson(req)) return false;
    const request = posRequest(ctx, req, 'POST', path, checkQuery);
    if (!request || ctx.engine.current.name !== 'IDLE') return false;
    const { query, principal } = request;
    readJsonBody(req, (err, value) => {
      if (err) return decline(err);
      const acknowledge = (ack: Acknowledgement) => {
        res.once('finish', () => ctx.audit.record(START_AUDIT_EVENT, 'OK', { actor: principal.registerId, role: principal.role, origin: req.socket.remoteAddress ?? null }, ack.uti));
        sendJson(res, 200, headers, JSON.stringify(ack));
      };
      try {
        const body = checkBody(value);
        if (!needsCard(body.transType) || body.uti !== undefined || body.amountTrans === undefined) return decline();
        ctx.transactions.start(body, principal.registerId, query.disablePrinting === 'true', acknowledge);
      } catch (failure) {
        // Acknowledged, then the terminal failed to act on it: as the route, it is logged; the POS has its UTI.
        if (res.headersSent) return void ctx.logger.error({ err: failure }, 'request failed');
        // Refused, or the commit failed: nothing began, and the route answers it as it would have.
        // Begun and then failed: the route must not start it again; the error handler answers it.
        const begun = !(failure instanceof ApiError) && ctx.engine.current.name !== 'IDLE';
        return begun ? decline(failure) : decline();
      }
    });
    return true;
  };
}
