import type { Request, RequestHandler, Response } from 'express';
import { ApiError } from './errors';
import { tokenFromHeader } from '../pairing/tokens';
import type { PairingService, Principal } from '../pairing/pairing.service';
import type { Role } from '../pairing/registers.repository';

export type AuthFailureListener = (reason: 'MISSING_TOKEN' | 'INVALID_TOKEN' | 'FORBIDDEN', req: Request, principal?: Principal) => void;

/** Lets through a request whose token belongs to one of `roles`; 401 without a valid token, 403 for the wrong role. */
export type RoleGuard = RequestHandler & { roles: readonly Role[] };

export function requireRole(pairing: PairingService, roles: Role[], onFailure?: AuthFailureListener): RoleGuard {
  const guard: RequestHandler = (req, res, next) => {
    const token = tokenFromHeader(req.headers.authorization);
    const principal = pairing.authenticate(token);
    if (!principal) {
      onFailure?.(token ? 'INVALID_TOKEN' : 'MISSING_TOKEN', req);
      res.setHeader('WWW-Authenticate', 'Bearer realm="eposd"');
      return next(new ApiError('UNAUTHORIZED', token ? 'The token is unknown, revoked or expired. Pair again.' : 'Send the token from pairing in the Authorization header.'));
    }
    res.locals.principal = principal;
    if (!roles.includes(principal.role)) {
      onFailure?.('FORBIDDEN', req, principal);
      return next(new ApiError('FORBIDDEN', principal.role === 'technician' ? 'A technician token can only read diagnostics.' : 'This needs a technician token.'));
    }
    next();
  };
  return Object.assign(guard, { roles });
}

export function principalOf(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw new Error('principalOf called on a route without requireRole');
  return p;
}
