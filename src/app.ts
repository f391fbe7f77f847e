import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { Type } from '@sinclair/typebox';
import type { AppContext } from './context';
import { endpoint, type AnyEndpoint } from './http/endpoint';
import { frontDoor, recordHeaders, type App } from './http/serve';
import { healthEndpoints } from './health/health.routes';
import { pairingEndpoints } from './pairing/pairing.routes';
import { transactionEndpoints } from './transactions/transactions.routes';
import { settlementEndpoints } from './settlement/settlement.routes';
import { diagnosticsEndpoints } from './diagnostics/diagnostics.routes';
import { buildOpenApi } from './openapi/document';
import { displayEndpoints } from './display/display.routes';
import { promptEndpoints } from './prompts/prompts.routes';

export const BASE_PATH = '/payntpos/1.0.0';

type OpenApiDocument = ReturnType<typeof buildOpenApi>;

export interface Api {
  endpoints: AnyEndpoint[];
  /** The OpenAPI document of these endpoints. */
  document: () => OpenApiDocument;
}

/** Every endpoint of the API, each declared once: served over HTTPS by createApp, and described by the OpenAPI document. */
export function api(ctx: AppContext): Api {
  const endpoints = [
    ...healthEndpoints({ tid: ctx.identity.tid, storage: ctx.storage, paymentApp: ctx.paymentApp?.readiness }),
    ...pairingEndpoints({ pairing: ctx.pairing, pairRateLimit: ctx.config.pairRateLimit }),
    ...transactionEndpoints(ctx),
    ...settlementEndpoints(ctx),
    ...diagnosticsEndpoints(ctx),
    ...displayEndpoints({ display: ctx.display, displayShown: () => ctx.screen.state().screen === 'display' }),
    ...promptEndpoints(ctx),
  ];
  // Built when first asked for: a terminal that nobody asks keeps the memory (docs/performance.md).
  let built: OpenApiDocument | undefined;
  const document = (): OpenApiDocument => (built ??= buildOpenApi(all, BASE_PATH));
  const openapi = endpoint({
    method: 'GET',
    path: '/openapi.json',
    auth: 'none',
    summary: 'This document: OpenAPI 3.1, no token needed',
    responses: { 200: { description: 'The OpenAPI document', schema: Type.Object({ openapi: Type.Literal('3.1.0') }) } },
    handle: () => ({ body: document() }),
  });
  const all: AnyEndpoint[] = [...endpoints, openapi];
  return { endpoints: all, document };
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

/** The HTTPS API: its endpoints through the front door, the rest Express's. It never listens: server.ts and the tests do that. */
export function createApp(ctx: AppContext): App {
  const headers = recordHeaders(everyAnswer());
  const { endpoints, document } = api(ctx);
  const app = frontDoor(endpoints, { basePath: BASE_PATH, headers, dispatch: ctx.dispatch, logger: ctx.logger, notFound: `There is no such endpoint. The API lives under ${BASE_PATH}.` });
  // For the tests' conformance check: the document this app serves.
  Object.defineProperty(app.locals, 'openapi', { get: document, enumerable: true });
  return app;
}
