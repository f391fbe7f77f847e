import type { RequestHandler } from 'express';
import type { Principal } from '../pairing/pairing.service';
import type { AuditLog } from './audit.service';

/**
 * Records the request in the audit trail once it is answered: who (the token's register or role),
 * from where, the event, and the outcome (OK, or the problem's code). Place it after authentication.
 */
export function audited(audit: AuditLog, event: string): RequestHandler {
  return (req, res, next) => {
    res.once('finish', () => {
      const principal = res.locals.principal as Principal | undefined;
      const outcome = res.statusCode < 400 ? 'OK' : String(res.locals.problemCode ?? res.statusCode);
      const uti = (res.locals.uti as string | undefined) ?? (typeof req.query.uti === 'string' && req.query.uti.length <= 64 ? req.query.uti : null);
      const actor = principal?.registerId ?? (res.locals.auditActor as string | undefined) ?? null;
      audit.record(event, outcome, { actor, role: principal?.role ?? (res.locals.auditRole as string | undefined) ?? null, origin: req.ip ?? null }, uti);
    });
    next();
  };
}
