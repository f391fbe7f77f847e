import { Router } from 'express';
import type { AppContext } from '../context';
import { endpoint, route } from '../http/route';
import { VERSION } from '../shared/version';

/** Liveness for anyone on the network: no token, and nothing beyond that the terminal is up. */
export function healthRoutes(ctx: AppContext): Router {
  const router = Router();
  route(router, '/health', {
    GET: endpoint({ handle: (_i, _req, res) => res.json({ status: 'UP', version: VERSION, tid: ctx.identity.tid }) }),
  });
  return router;
}
