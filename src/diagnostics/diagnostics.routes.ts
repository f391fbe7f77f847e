import { Router } from 'express';
import type { AppContext } from '../context';
import { endpoint, route } from '../http/route';

/** For a technician's token only. */
export function diagnosticsRoutes(ctx: AppContext): Router {
  const router = Router();
  route(router, '/diagnostics', {
    GET: endpoint({ before: [ctx.auth.technician, ctx.audited('diagnostics.read')], handle: async (_i, _req, res) => res.json(await ctx.diagnostics.report()) }),
  });
  route(router, '/diagnostics/self-test', {
    POST: endpoint({
      before: [ctx.auth.technician, ctx.audited('diagnostics.self-test')],
      handle: async (_i, _req, res) => {
        const result = await ctx.diagnostics.selfTest();
        res.status(result.ok ? 200 : 500).json(result);
      },
    }),
  });
  return router;
}
