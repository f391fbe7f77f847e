import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventStream } from './endpoint';
import type { HeaderList } from './headers';

const HEARTBEAT_MS = 25_000;

/** Turns the response into a Server-Sent Events stream, with a comment heartbeat to keep proxies from closing it. */
export function openEventStream(req: IncomingMessage, res: ServerResponse, headers: HeaderList): EventStream {
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
