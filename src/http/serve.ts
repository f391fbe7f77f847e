import type { IncomingMessage, OutgoingHttpHeader, RequestListener, ServerResponse } from 'node:http';
import { parse } from 'node:querystring';
import express, { type Express, type RequestHandler } from 'express';
import rateLimit from 'express-rate-limit';
import { ApiError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { readBody, type Body } from './body';
import type { Dispatch } from './dispatch';
import type { Principal } from '../pairing/pairing.service';
import { problemAnswer } from './problems';
import type { Answer, AnyEndpoint, EventStream, Method } from './endpoint';

/** Headers as a flat list, name then value, in the order they are sent: Node takes it for less work than an object. */
export type HeaderList = string[];

const HEARTBEAT_MS = 25_000;

/**
 * The headers that `middleware` (each calling next() at once, as helmet's do) sets on every answer,
 * recorded once at start on a stand-in response: every answer then carries them without running it.
 */
export function recordHeaders(middleware: RequestHandler[]): HeaderList {
  const headers = new Map<string, [string, OutgoingHttpHeader]>();
  const res = {
    setHeader: (name: string, value: OutgoingHttpHeader) => void headers.set(name.toLowerCase(), [name, value]),
    removeHeader: (name: string) => void headers.delete(name.toLowerCase()),
    getHeader: (name: string) => headers.get(name.toLowerCase())?.[1],
    hasHeader: (name: string) => headers.has(name.toLowerCase()),
  };
  for (const m of middleware) {
    let called = false;
    void m({ headers: {}, method: 'GET', url: '/' } as never, res as never, () => void (called = true));
    if (!called) throw new Error('recordHeaders: a middleware did not call next() at once');
  }
  return [...headers.values()].flatMap(([name, value]) => (Array.isArray(value) ? value.flatMap((v) => [name, v]) : [name, String(value)]));
}

// A body given again as the same object (a status kept by its service) is serialized once.
const serialized = new WeakMap<object, string>();
const toJson = (body: unknown): string => {
  if (typeof body !== 'object' || body === null) return JSON.stringify(body);
  let json = serialized.get(body);
  if (json === undefined) serialized.set(body, (json = JSON.stringify(body)));
  return json;
};

/** Writes an answer with the recorded headers; JSON bodies as JSON, problems as problem+json. */
export function writeAnswer(res: ServerResponse, headers: HeaderList, answer: Exclude<Answer, { stream: unknown }>): void {
  const status = answer.status ?? 200;
  const list = [...headers];
  for (const [name, value] of Object.entries(answer.headers ?? {})) list.push(name, value);
  if (answer.body === undefined) {
    res.writeHead(status, list);
    res.end();
    return;
  }
  const json = toJson(answer.body);
  const type = status >= 400 ? 'application/problem+json; charset=utf-8' : 'application/json; charset=utf-8';
  list.push('Content-Type', type, 'Content-Length', String(Buffer.byteLength(json)));
  res.writeHead(status, list);
  res.end(json);
}

/** Turns the response into a Server-Sent Events stream, with a comment heartbeat to keep proxies from closing it. */
function openEventStream(req: IncomingMessage, res: ServerResponse, headers: HeaderList): EventStream {
  const list: string[] = [];
  for (let i = 0; i < headers.length; i += 2) if (headers[i]!.toLowerCase() !== 'cache-control') list.push(headers[i]!, headers[i + 1]!);
  res.writeHead(200, [...list, 'Content-Type', 'text/event-stream; charset=utf-8', 'Cache-Control', 'no-store', 'Connection', 'keep-alive', 'X-Accel-Buffering', 'no']);
  res.flushHeaders();
  res.write('retry: 2000\n\n');
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS).unref();
  const closers: (() => void)[] = [() => clearInterval(heartbeat)];
  req.on('close', () => closers.forEach((fn) => fn()));
  return {
    send({ id, event, data }) {
      // An event published in the same turn as the stream's end (a register unpaired and told so) is dropped.
      if (res.writableEnded) return;
      let frame = '';
      if (id !== undefined) frame += `id: ${id}\n`;
      if (event !== undefined) frame += `event: ${event}\n`;
      frame += `data: ${JSON.stringify(data)}\n\n`;
      res.write(frame);
    },
    onClose: (fn) => void closers.push(fn),
    end: () => res.end(),
  };
}

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
          return sent();
        }
        // Once the answer is handed to the OS, or the client went away first: whichever comes first.
        let done = false;
        const once = () => {
          if (done) return;
          done = true;
          sent();
        };
        res.once('finish', once);
        res.once('close', once);
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

type Limiter = (req: IncomingMessage, res: ServerResponse, next: () => void) => unknown;

/**
 * @NOTE Per-address limit on top of pairing's per-code counter: a LAN host guessing codes is slowed
 * before it reaches the 5 wrong tries that kill the code.
 */
function limiterFor(perMinute: number, headers: HeaderList, logger: Logger): Limiter {
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // The front door's requests are Node's own, without Express's req.ip.
    keyGenerator: (req) => req.socket.remoteAddress ?? 'unknown',
    validate: { ip: false, keyGeneratorIpFallback: false },
    handler: (_req, res) => writeAnswer(res, headers, problemAnswer(new ApiError('RATE_LIMITED', 'Too many requests from this address. Wait a minute.'), logger)),
  });
  return (req, res, next) => limiter(req as never, res as never, next);
}
