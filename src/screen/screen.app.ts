import express, { Router } from 'express';
import helmet from 'helmet';
import type { AppContext } from '../context';
import { errorHandler, routeNotFound } from '../http/error-handler';
import { jsonBody } from '../http/body';
import { screenRoutes } from './screen.routes';
import { loopbackHostOnly } from './loopback-host';

/** The screen channel: plain HTTP, bound to 127.0.0.1 by main.ts. It stands for physical access to the device. */
export function createScreenApp(ctx: AppContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(helmet({ contentSecurityPolicy: { directives: { 'upgrade-insecure-requests': null } }, strictTransportSecurity: false }));
  app.use(loopbackHostOnly);
  app.use(jsonBody);
  const router = Router();
  router.use(screenRoutes(ctx));
  app.use(router);
  app.use(routeNotFound);
  app.use(ctx.storage.watch, errorHandler(ctx.logger));
  return app;
}
