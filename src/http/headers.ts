import type { OutgoingHttpHeader } from 'node:http';
import type { RequestHandler } from 'express';

/** Headers as a flat list, name then value, in the order they are sent: Node takes it for less work than an object. */
export type HeaderList = string[];

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
