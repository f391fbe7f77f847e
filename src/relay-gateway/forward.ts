import type { IncomingMessage } from 'node:http';
import { BODY_LIMIT_BYTES } from '../http/body';
import { RELAYED_ANSWER_HEADERS, type RelayAnswer } from '../relay/protocol';

/** A request's body: its text (undefined: none was sent), or why there is none to forward. */
export type ReadBody = { text: string | undefined } | { refused: 'too-large' | 'aborted' };

/**
 * Reads a POS's body, whole, within `timeoutMs`: a body that is cut, that errs or that trickles past the
 * time is 'aborted' and its connection destroyed. Only a body read to its end is ever forwarded.
 */
export function readBody(req: IncomingMessage, timeoutMs: number): Promise<ReadBody> {
  return new Promise((resolve) => {
    if (Number(req.headers['content-length'] ?? 0) > BODY_LIMIT_BYTES) return resolve({ refused: 'too-large' });
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const settle = (body: ReadBody) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(body);
    };
    const abort = () => {
      settle({ refused: 'aborted' });
      req.socket.destroy();
    };
    const timer = setTimeout(abort, timeoutMs);
    req.on('data', (c: Buffer) => {
      bytes += c.length;
      if (bytes <= BODY_LIMIT_BYTES) return void chunks.push(c);
      req.removeAllListeners('data');
      settle({ refused: 'too-large' });
    });
    req.once('end', () => settle({ text: bytes === 0 && req.headers['content-length'] === undefined ? undefined : Buffer.concat(chunks).toString('utf8') }));
    req.once('error', abort);
    // 'close' before 'end': the client went away half way.
    req.once('close', () => !req.complete && abort());
  });
}

/** A terminal's answer as the gateway passes it on: a status 200-599 and eposd's own headers only; undefined when it is not one. */
export function passedOn(answer: RelayAnswer): { status: number; headers: string[] } | undefined {
  if (!Number.isInteger(answer.status) || answer.status < 200 || answer.status > 599 || answer.headers.length % 2 !== 0) return undefined;
  const headers: string[] = [];
  for (let i = 0; i < answer.headers.length; i += 2) {
    const [name, value] = [answer.headers[i]!, answer.headers[i + 1]!];
    if (RELAYED_ANSWER_HEADERS.has(name.toLowerCase()) && !/[\r\n]/.test(value)) headers.push(name, value);
  }
  headers.push('Content-Length', String(Buffer.byteLength(answer.body)));
  return { status: answer.status, headers };
}
