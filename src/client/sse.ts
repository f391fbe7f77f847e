import type { Readable } from 'node:stream';

export interface SseFrame {
  id?: string;
  event?: string;
  data: string;
  retry?: number;
}

/** Parses one block of an event stream: the lines between two blank lines. */
function parseBlock(block: string): SseFrame | { retry: number } | undefined {
  let id: string | undefined;
  let event: string | undefined;
  let retry: number | undefined;
  const data: string[] = [];
  for (const line of block.split(/\r\n|\r|\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'retry' && /^\d+$/.test(value)) retry = Number(value);
  }
  if (data.length > 0) return { id, event, data: data.join('\n'), retry };
  return retry === undefined ? undefined : { retry };
}

/** The frames of a Server-Sent Events stream as they arrive (a `retry:` alone comes as `{ retry }`). */
export async function* sseFrames(stream: Readable): AsyncGenerator<SseFrame | { retry: number }> {
  let buffer = '';
  stream.setEncoding('utf8');
  for await (const chunk of stream as AsyncIterable<string>) {
    buffer += chunk;
    let end: number;
    while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
      const frame = parseBlock(block);
      if (frame) yield frame;
    }
  }
}
