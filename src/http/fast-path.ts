import type { IncomingMessage, OutgoingHttpHeader, ServerResponse } from 'node:http';
import type { Express, RequestHandler } from 'express';

/**
 * Answers one kind of request without Express, or declines it (false) and Express answers as always.
 * @NOTE Express's routing and response helpers cost a POS's status lookup several times what the
 * answer itself costs (docs/performance.md). A fast path only ever answers the plain successful case:
 * a failed check, an error, anything it is unsure of goes on to Express, so validation, errors and
 * audit stay in one place and the answers stay the same. A fast path that has taken a request (true)
 * may still hand it over later, by calling `decline`: a body it has read stays read for Express
 * (body.ts), and a failure it passes is answered by Express's error handler (failedEarly, below).
 */
export type FastPath = (req: IncomingMessage, res: ServerResponse, decline: (failure?: unknown) => void) => boolean;

/** Headers as a flat list, name then value, in the order they are sent. */
export type HeaderList = string[];

/**
 * The headers that `middleware` (each calling next() at once, as helmet's do) sets on every answer,
 * in order: recorded once on a stand-in response, for fast paths to send as they are.
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
    m({ headers: {}, method: 'GET', url: '/' } as never, res as never, () => void (called = true));
    if (!called) throw new Error('recordHeaders: a middleware did not call next() at once');
  }
  return [...headers.values()].flatMap(([name, value]) => (Array.isArray(value) ? value.flatMap((v) => [name, v]) : [name, String(value)]));
}

/**
 * Writes a JSON answer (`json`, already serialized) with `headers` (recorded above) and its own type and
 * length. Node takes a flat list of headers for a third less work than an object of them.
 */
export function sendJson(res: ServerResponse, status: number, headers: HeaderList, json: string): void {
  res.writeHead(status, [...headers, 'Content-Type', 'application/json; charset=utf-8', 'Content-Length', String(Buffer.byteLength(json))]);
  res.end(json);
}

/** Puts `paths` in front of the app, for every server that serves it: main.ts's and the tests'. */
export function installFastPaths(app: Express, paths: FastPath[]): void {
  // Express's app(req, res) is app.handle(req, res, next): the fast paths go in between.
  const target = app as Express & { handle(req: IncomingMessage, res: ServerResponse, next?: unknown): void };
  const handle = target.handle.bind(app);
  target.handle = (req, res, next) => {
    const decline = (failure?: unknown) => {
      if (failure !== undefined) failures.set(req, failure);
      handle(req, res, next);
    };
    for (const taken of paths) if (taken(req, res, decline)) return;
    decline();
  };
}

const failures = new WeakMap<IncomingMessage, unknown>();

/** Goes first in the app: a request a fast path declined with a failure goes straight to the error handler. */
export const failedEarly: RequestHandler = (req, _res, next) => next(failures.get(req));
