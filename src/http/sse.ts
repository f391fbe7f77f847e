import type { Request, Response } from 'express';

export const HEARTBEAT_MS = 25_000;

export interface EventStream {
  send(e: { id?: string; event?: string; data: unknown }): void;
  onClose(fn: () => void): void;
}

/** Turns the response into a Server-Sent Events stream, with a comment heartbeat to keep proxies from closing it. */
export function openEventStream(req: Request, res: Response): EventStream {
  res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  res.flushHeaders();
  res.write('retry: 2000\n\n');
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS).unref();
  const closers: (() => void)[] = [() => clearInterval(heartbeat)];
  req.on('close', () => closers.forEach((fn) => fn()));
  return {
    send({ id, event, data }) {
      let frame = '';
      if (id !== undefined) frame += `id: ${id}\n`;
      if (event !== undefined) frame += `event: ${event}\n`;
      frame += `data: ${JSON.stringify(data)}\n\n`;
      res.write(frame);
    },
    onClose: (fn) => void closers.push(fn),
  };
}
