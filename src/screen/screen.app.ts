import express, { type RequestHandler } from 'express';
import { resolve } from 'node:path';
import helmet from 'helmet';
import type { Logger } from '../shared/logger';
import type { Dispatch } from '../http/dispatch';
import { isLoopbackHost, notLoopback } from '../http/loopback-host';
import { problemAnswer } from '../http/problems';
import { frontDoor, type App } from '../http/serve';
import { writeAnswer } from '../http/answer';
import { recordHeaders } from '../http/headers';
import { screenEndpoints, type ScreenRoutesDeps } from './screen.routes';

// Works from src/ (tests) and from dist/ (npm start): both resolve to the sources' public folder.
const PUBLIC_DIR = resolve(__dirname, '../../src/screen/public');

/** The screen channel: plain HTTP, bound to 127.0.0.1 by main.ts. It stands for physical access to the device. */
export function createScreenApp(deps: ScreenRoutesDeps & { dispatch: Dispatch; logger: Logger }): App {
  const headers = recordHeaders([helmet({ contentSecurityPolicy: { directives: { 'upgrade-insecure-requests': null } }, strictTransportSecurity: false })]);
  // The page and its files: the same loopback rule as the endpoints.
  const loopbackOnly: RequestHandler = (req, res, next) => {
    if (isLoopbackHost(req.headers.host)) return next();
    writeAnswer(res, headers, problemAnswer(notLoopback(), deps.logger));
  };
  return frontDoor(screenEndpoints(deps), {
    basePath: '',
    headers,
    dispatch: deps.dispatch,
    logger: deps.logger,
    notFound: 'There is no such page on the screen channel: the API is on the HTTPS port, under /payntpos/1.0.0.',
    rest: [loopbackOnly, express.static(PUBLIC_DIR, { index: 'index.html' })],
  });
}
