import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse } from 'node:querystring';
import express, { type Express, type RequestHandler } from 'express';
import { ApiError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { readBody, type Body } from './body';
import type { Dispatch } from './dispatch';
import type { Principal } from '../pairing/pairing.service';
import { problemAnswer } from './problems';
import type { AnyEndpoint, Method } from './endpoint';
import { writeAnswer } from './answer';
import { openEventStream } from './event-stream';
import type { HeaderList } from './headers';
import { limiterFor, type Limiter } from './rate-limit';

interface Mounted {
  endpoint: AnyEndpoint;
  /** Run before the endpoint: its per-address rate limit. */
  limiter?: Limiter;
}

export interface ServeOptions {
  /** Where the endpoints' paths start ('' for the screen). */
  basePath: string;
  headers: HeaderList;
  dispatch: Dispatch;
  logger: Logger;
  /** The 404's detail: where the caller should look instead. */
  notFound: string;
  /** What Express serves besides the endpoints (the screen's page and files), after the headers are set. */
  rest?: RequestHandler[];
  /** The caller a transport proved by other means than a token (the relay's signed requests): Call.principal. */
  principalOf?: (req: IncomingMessage) => Principal | undefined;
}

/** An app as the servers and supertest take it: a request listener, with the Express app's locals. */
export type App = RequestListener & { locals: Express['locals'] };

/**
 * The front door: a request for one of the declared endpoints is read and handed to the dispatch;
 * any other request goes on to Express: `options.rest` (static files), then a 404, every answer with
 * the same headers and problems.
 * @NOTE The endpoints are found by one map lookup, in front of Express: its request set-up, router
 * and body parser cost a status lookup as much as the rest of it (docs/performance.md, "One front door").
 */
export function frontDoor(endpoints: AnyEndpoint[], options: ServeOptions): App {
  const { headers, logger } = options;
  const rest = express();
  rest.disable('x-powered-by');
  rest.set('etag', false);
  rest.use((_req, res, next) => {
    for (let i = 0; i < headers.length; i += 2) res.setHeader(headers[i]!, headers[i + 1]!);
    next();
  });
  for (const handler of options.rest ?? []) rest.use(handler);
  rest.use((_req, res) => writeAnswer(res, headers, problemAnswer(new ApiError('ROUTE_NOT_FOUND', options.notFound), logger)));
  rest.use(((err, _req, res, _next) => {
    if (res.headersSent) return res.destroy();
    writeAnswer(res, headers, problemAnswer(err, logger));
  }) satisfies express.ErrorRequestHandler);
  const serve = serveEndpoints(endpoints, options);
  return Object.assign((req: IncomingMessage, res: ServerResponse) => serve(req, res, () => void rest(req, res)), { locals: rest.locals });
}

/** The declared endpoints alone: `next` is called for any other request. The HTTPS front door and the relay (src/relay/) both serve through it. */
export function serveEndpoints(endpoints: AnyEndpoint[], options: ServeOptions): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  const { basePath, headers, dispatch, logger } = options;
  const byPath = new Map<string, Map<Method, Mounted>>();
  // One limiter a path: the methods of one path count together (GET and POST /pair).
  const limiters = new Map<string, Limiter>();
  for (const e of endpoints) {
    const path = e.path.toLowerCase();
    const methods = byPath.get(path) ?? new Map<Method, Mounted>();
    byPath.set(path, methods);
    if (e.ratePerMinute !== undefined && !limiters.has(path)) limiters.set(path, limiterFor(e.ratePerMinute, headers, logger));
    methods.set(e.method, { endpoint: e, limiter: e.ratePerMinute === undefined ? undefined : limiters.get(path) });
  }
  const base = basePath.toLowerCase();

  return (req, res, next) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    let path = (q < 0 ? url : url.slice(0, q)).toLowerCase();
    if (!path.startsWith(base)) return next();
    path = path.slice(base.length);
    if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    const methods = byPath.get(path);
    if (!methods) return next();
    const mounted = methods.get((req.method === 'HEAD' ? 'GET' : req.method) as Method);
    if (!mounted) {
      const allowed = [...methods.keys()];
      const answer = problemAnswer(new ApiError('METHOD_NOT_ALLOWED', `Use ${allowed.join(' or ')} on this endpoint.`), logger);
      return writeAnswer(res, headers, { ...answer, headers: { Allow: allowed.join(', ') } });
    }
    const query = q < 0 ? {} : { ...parse(url.slice(q + 1)) };
    const run = (body: Body) => {
      // Made when a handler asks for it (a long poll): most requests never do.
      let gone: AbortController | undefined;
      const signal = () => {
        if (gone) return gone.signal;
        gone = new AbortController();
        if (res.closed) gone.abort();
        else res.once('close', () => gone!.abort());
        return gone.signal;
      };
      const call = {
        query,
        body,
        headers: req.headers,
        origin: req.socket.remoteAddress ?? null,
        principal: options.principalOf?.(req),
        get signal() {
          return signal();
        },
      };
      dispatch(mounted.endpoint, call, (answer, sent) => {
        if ('stream' in answer) {
          answer.stream(openEventStream(req, res, headers));
          return sent?.();
        }
        if (sent) {
          // Once the answer is handed to the OS, or the client went away first: whichever comes first.
          let done = false;
          const once = () => {
            if (done) return;
            done = true;
            sent();
          };
          res.once('finish', once);
          res.once('close', once);
        }
        writeAnswer(res, headers, answer);
      });
    };
    const fail = (err: unknown) => writeAnswer(res, headers, problemAnswer(err, logger));
    const afterLimit = () => {
      let body: Body | Promise<Body>;
      try {
        body = readBody(req);
      } catch (err) {
        return fail(err);
      }
      if (body instanceof Promise) body.then(run, fail);
      else run(body);
    };
    if (!mounted.limiter) return afterLimit();
    // The limiter answers a request over its limit itself (limiterFor); the others go on.
    void mounted.limiter(req, res, afterLimit);
  };
}
