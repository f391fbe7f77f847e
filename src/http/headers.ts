import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { RequestHandler } from 'express';

/** Headers as a flat list, name then value, in the order they are sent: Node takes it for less work than an object. */
export type HeaderList = string[];

/**
 * The headers that `middleware` (each calling next() at once, as helmet's do) sets on every answer,
 * recorded once at start on a response of Node's own that is never sent: every answer then carries
 * them without running it.
 */
export function recordHeaders(middleware: RequestHandler[]): HeaderList {
  const req = new IncomingMessage(new Socket());
  req.method = 'GET';
  req.url = '/';
  const res = new ServerResponse(req);
  for (const m of middleware) {
    let called = false;
    void m(req as never, res as never, () => void (called = true));
    if (!called) throw new Error('recordHeaders: a middleware did not call next() at once');
  }
  // Node's own (15.13+), not yet in @types/node: the names as they were set, for the wire.
  const names = (res as ServerResponse & { getRawHeaderNames(): string[] }).getRawHeaderNames();
  return names.flatMap((name) => {
    const value = res.getHeader(name)!;
    return Array.isArray(value) ? value.flatMap((v) => [name, v]) : [name, String(value)];
  });
}
