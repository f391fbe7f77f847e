import express, { Router } from 'express';
import helmet from 'helmet';
import type { AppContext } from './context';
import { errorHandler, routeNotFound } from './http/error-handler';
import { jsonBody } from './http/body';
import { healthRoutes } from './health/health.routes';
import { pairingRoutes } from './pairing/pairing.routes';
import { transactionRoutes } from './transactions/transactions.routes';
import { settlementRoutes } from './settlement/settlement.routes';
import { diagnosticsRoutes } from './diagnostics/diagnostics.routes';

export const BASE_PATH = '/payntpos/1.0.0';

/** The HTTPS API as an Express app. It never listens: main.ts and the tests do that. */
export function createApp(ctx: AppContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(helmet());
  app.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  app.use(jsonBody);

  const api = Router();
  api.use(healthRoutes(ctx));
  api.use(pairingRoutes(ctx));
  api.use(transactionRoutes(ctx));
  api.use(settlementRoutes(ctx));
  api.use(diagnosticsRoutes(ctx));
  app.use(BASE_PATH, api);

  app.use(routeNotFound);
  app.use(errorHandler(ctx.logger));
  return app;
}
