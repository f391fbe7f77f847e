import express, { Router, type RequestHandler } from 'express';
import helmet from 'helmet';
import { Type } from '@sinclair/typebox';
import type { AppContext } from './context';
import { errorHandler, routeNotFound } from './http/error-handler';
import { jsonBody } from './http/body';
import { failedEarly, installFastPaths, recordHeaders } from './http/fast-path';
import { endpoint, route, routesOf } from './http/route';
import { healthRoutes } from './health/health.routes';
import { pairingRoutes } from './pairing/pairing.routes';
import { transactionRoutes } from './transactions/transactions.routes';
import { statusFastPath } from './transactions/status-fast-path';
import { startFastPath } from './transactions/start-fast-path';
import { settlementRoutes } from './settlement/settlement.routes';
import { diagnosticsRoutes } from './diagnostics/diagnostics.routes';
import { buildOpenApi } from './openapi/document';

export const BASE_PATH = '/payntpos/1.0.0';

/** The HTTPS API as an Express app. It never listens: main.ts and the tests do that. */
export function createApp(ctx: AppContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  const headers = everyAnswer();
  app.use(...headers);
  app.use(failedEarly);
  app.use(jsonBody);

  const routers: Router[] = [healthRoutes(ctx), pairingRoutes(ctx), transactionRoutes(ctx), settlementRoutes(ctx), diagnosticsRoutes(ctx), openApiRoutes(() => document())];
  // Built when first asked for: a terminal that nobody asks keeps the memory (docs/performance.md).
  let built: ReturnType<typeof buildOpenApi> | undefined;
  const document = (): ReturnType<typeof buildOpenApi> => (built ??= buildOpenApi(routers.flatMap(routesOf), BASE_PATH));
  Object.defineProperty(app.locals, 'openapi', { get: document, enumerable: true });
  const api = Router();
  routers.forEach((r) => api.use(r));
  app.use(BASE_PATH, api);

  app.use(routeNotFound);
  app.use(ctx.storage.watch, errorHandler(ctx.logger));
  const recorded = recordHeaders(headers);
  installFastPaths(app, [statusFastPath(ctx, `${BASE_PATH}/transaction`, recorded), startFastPath(ctx, `${BASE_PATH}/transaction`, recorded)]);
  return app;
}

/** The headers every API answer carries: helmet's, and no caching. */
export function everyAnswer(): RequestHandler[] {
  return [
    helmet(),
    (_req, res, next) => {
      res.setHeader('Cache-Control', 'no-store');
      next();
    },
  ];
}

function openApiRoutes(document: () => unknown): Router {
  const router = Router();
  route(router, '/openapi.json', {
    GET: endpoint({
      summary: 'This document: OpenAPI 3.1, no token needed',
      responses: { 200: { description: 'The OpenAPI document', schema: Type.Object({ openapi: Type.Literal('3.1.0') }) } },
      handle: (_i, _req, res) => res.json(document()),
    }),
  });
  return router;
}
