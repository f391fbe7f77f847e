import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { loadOrCreateCertificate } from '../../src/tls/certificate';
import { makeTempDir } from './process';

// A gateway run by an attacker, for the malicious-gateway test: the POS's TLS ends here, so it sees every
// byte of every request and answer, keeps them all, may change any of them, and may send any request
// again, before passing it to the honest gateway (which speaks to the broker).

export interface Seen {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface MaliciousGateway {
  url: string;
  /** Every request and answer that crossed, as it crossed. */
  log: { request: Seen; answer?: Answer }[];
  /** Changes a request on its way to the terminal (set per test). */
  tamperRequest?: (r: Seen) => Seen;
  /** Answers instead of passing the request on, or changes the answer on its way back (set per test). */
  answerInstead?: (r: Seen) => Answer | undefined;
  tamperAnswer?: (a: Answer, r: Seen) => Answer;
  /** Sends a request again, as it was seen, to the honest gateway. */
  send(r: Seen): Promise<Answer>;
  /** Every byte it saw, as text. */
  everything(): string;
  close(): Promise<void>;
}

const HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

export async function maliciousGateway(honest: string): Promise<MaliciousGateway> {
  const { key, cert } = await loadOrCreateCertificate(makeTempDir('eposd-evil-'), ['127.0.0.1'], { inProcess: true });
  const send = (r: Seen): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(r.headers)) if (!HOP.has(k) && typeof v === 'string') headers[k] = v;
      headers['content-length'] = String(r.body.length);
      const out = request(`${honest}${r.path}`, { method: r.method, headers, rejectUnauthorized: false, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      out.on('error', reject);
      out.end(r.body);
    });
  const evil: MaliciousGateway = {
    url: '',
    log: [],
    send,
    everything: () =>
      evil.log
        .map(({ request: q, answer: a }) => `${q.method} ${q.path}\n${JSON.stringify(q.headers)}\n${q.body.toString()}\n${a ? `${a.status}\n${JSON.stringify(a.headers)}\n${a.body.toString()}` : ''}`)
        .join('\n'),
    close: () => new Promise((r) => server.close(() => r())),
  };
  const server = createServer({ key, cert }, (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen: Seen = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks) };
      const entry: { request: Seen; answer?: Answer } = { request: seen };
      evil.log.push(entry);
      const instead = evil.answerInstead?.(seen);
      const answered = instead ? Promise.resolve(instead) : send(evil.tamperRequest ? evil.tamperRequest(seen) : seen);
      answered.then(
        (a) => {
          const out = evil.tamperAnswer ? evil.tamperAnswer(a, seen) : a;
          entry.answer = out;
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(out.headers)) if (!HOP.has(k) && typeof v === 'string') headers[k] = v;
          res.writeHead(out.status, { ...headers, 'content-length': String(out.body.length) });
          res.end(out.body);
        },
        () => res.destroy(),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  evil.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return evil;
}
