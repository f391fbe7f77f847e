import type { RequestHandler, Response } from 'express';
import { ApiError } from './errors';
import { tokenFromHeader } from '../pairing/tokens';
import type { PairingService, Principal } from '../pairing/pairing.service';
import type { Role } from '../pairing/registers.repository';

export type AuthFailureListener = (reason: 'missing' | 'invalid' | 'forbidden', res: Response) => void;

/** Lets through a request whose token belongs to one of `roles`; 401 without a valid token, 403 for the wrong role. */
export function requireRole(pairing: PairingService, roles: Role[], onFailure?: AuthFailureListener): RequestHandler {
  return (req, res, next) => {
    const token = tokenFromHeader(req.headers.authorization);
    const principal = pairing.authenticate(token);
    if (!principal) {
      onFailure?.(token ? 'invalid' : 'missing', res);
      res.setHeader('WWW-Authenticate', 'Bearer realm="eposd"');
      return next(new ApiError('UNAUTHORIZED', token ? 'The token is unknown, revoked or expired. Pair again.' : 'Send the token from pairing in the Authorization header.'));
    }
    res.locals.principal = principal;
    if (!roles.includes(principal.role)) {
      onFailure?.('forbidden', res);
      return next(new ApiError('FORBIDDEN', principal.role === 'technician' ? 'A technician token can only read diagnostics.' : 'This needs a technician token.'));
    }
    next();
  };
}

export function principalOf(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw new Error('principalOf called on a route without requireRole');
  return p;
}
