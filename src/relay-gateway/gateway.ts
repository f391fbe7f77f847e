import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { writeAnswer } from '../http/answer';
import { ApiError, problemBody } from '../shared/errors';
import type { ErrorCode } from '../shared/error-codes';
import type { Logger } from '../shared/logger';
import { tlsOptions } from '../tls/options';
import { RELAY_REQUEST_LIMIT_BYTES, requestPayload } from '../relay/protocol';
import { TID } from '../relay/topics';
import { holdUnderAbuse, WrongKeys } from './abuse';
import { allows, KeyRing, type Scope } from './api-keys';
import { connectBroker } from './broker';
import { passedOn, readBody } from './forward';
import { PresenceBoard } from './presence-board';
import type { GatewaySettings } from './settings';
import { ListQueryError, listTerminals } from './terminals-list';

/** A long poll's own wait is added to the timeout, and this much on top: the terminal answers at the end of its wait. */
const LONG_POLL_MARGIN_MS = 10_000;
const FORWARD = /^\/terminals\/([^/]+)(\/payntpos\/1\.0\.0(?:\/[^?]*)?)(\?.*)?$/i;
/** Not forwarded: the hop's own headers, and the gateway's key, which is for the gateway only. */
const HOP = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'x-api-key', 'content-length', 'expect']);
/** What the gateway's own answers carry (a terminal's answers carry the terminal's). */
const OWN_HEADERS = ['Cache-Control', 'no-store', 'X-Content-Type-Options', 'nosniff', 'Strict-Transport-Security', 'max-age=31536000'];

export interface RunningGateway {
  url: string;
  instance: string;
  board: PresenceBoard;
  stop(): Promise<void>;
}

/** The gateway's own problem answer, written as eposd writes its own (http/answer.ts). */
function problem(res: ServerResponse, code: ErrorCode, detail: string, headers: Record<string, string> = {}): void {
  const err = new ApiError(code, detail);
  writeAnswer(res, OWN_HEADERS, { status: err.status, body: problemBody(err), headers });
}

/**
 * `eposd-relay`: HTTPS for POS platforms in front of the broker. Stateless: what it knows of terminals is
 * the broker's retained presence, and each request waits only in this instance's memory, on its own
 * response topic. It holds under abuse (api-keys.ts, abuse.ts) and passes on only answers eposd could
 * give (forward.ts). It is trusted with nothing: requests are signed by the POS and answers by the
 * terminal, end to end (docs/relay.md, "Trust").
 */
export async function startGateway(settings: GatewaySettings & { key: string; cert: string }, logger: Logger): Promise<RunningGateway> {
  const instance = settings.instance ?? randomBytes(6).toString('hex');
  const keys = new KeyRing(settings.apiKeys);
  if (keys.open && !settings.open) throw new Error('no API keys: give RELAY_API_KEYS, or --open to run the gateway open on purpose');
  if (keys.open) logger.warn('started with --open: the gateway is open to anyone who reaches it');
  const wrongKeys = new WrongKeys();
  const board = new PresenceBoard();
  const broker = await connectBroker(settings, instance, board, logger);

  async function forward(req: IncomingMessage, res: ServerResponse, tid: string, path: string, query: string): Promise<void> {
    if (!broker.connected) return problem(res, 'RELAY_UNAVAILABLE', 'The relay cannot reach its broker right now. Try again shortly.');
    if (!board.isOnline(tid)) return problem(res, 'TERMINAL_OFFLINE', `Terminal ${tid} is not connected to the relay. Check that it is on and has a network.`);
    const body = await readBody(req, settings.bodyTimeoutMs);
    if ('refused' in body && body.refused === 'aborted') return;
    if ('refused' in body) {
      res.setHeader('Connection', 'close');
      return problem(res, 'PAYLOAD_TOO_LARGE', 'The body must be at most 16 KiB.');
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers))
      if (!HOP.has(name) && !name.startsWith('x-forwarded-') && value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    const payload = requestPayload({ method: req.method ?? 'GET', url: path + query, headers, body: body.text, origin: req.socket.remoteAddress });
    if (payload.length > RELAY_REQUEST_LIMIT_BYTES) return problem(res, 'PAYLOAD_TOO_LARGE', 'The request, headers and body, is too large.');
    const wait = /[?&]wait=(\d{1,2})(?:&|$)/.exec(query)?.[1];
    const timeoutMs = settings.timeoutMs + (wait === undefined ? 0 : Number(wait) * 1000 + LONG_POLL_MARGIN_MS);
    const answer = await broker.ask(tid, payload, timeoutMs);
    if (res.destroyed) return;
    if (answer === undefined) {
      return problem(
        res,
        'RELAY_TIMEOUT',
        `Terminal ${tid} did not answer within ${Math.round(timeoutMs / 1000)} s. The request may have been carried out: read the transaction's status by its UTI before trying again.`,
      );
    }
    const passed = answer === 'malformed' ? undefined : passedOn(answer);
    if (answer === 'malformed' || !passed) {
      return problem(res, 'RELAY_BAD_ANSWER', `Terminal ${tid} answered something the relay does not pass on. The request may have been carried out: read the transaction's status by its UTI.`);
    }
    res.writeHead(passed.status, passed.headers);
    res.end(answer.body);
  }

  function terminals(req: IncomingMessage, res: ServerResponse, scope: Scope): void {
    if (req.method !== 'GET') return problem(res, 'METHOD_NOT_ALLOWED', 'Use GET on /terminals.', { Allow: 'GET' });
    let body: ReturnType<typeof listTerminals>;
    try {
      body = listTerminals(board, scope, new URL(req.url ?? '/', 'https://gateway').searchParams);
    } catch (err) {
      if (!(err instanceof ListQueryError)) throw err;
      return problem(res, 'VALIDATION_FAILED', err.message);
    }
    writeAnswer(res, OWN_HEADERS, { body });
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const address = req.socket.remoteAddress ?? 'unknown';
    const locked = wrongKeys.lockedFor(address);
    if (locked !== undefined) return problem(res, 'RATE_LIMITED', `Too many wrong API keys from this address. Wait ${locked} s.`, { 'Retry-After': String(locked) });
    const scope = keys.scopeOf(req.headers['x-api-key']);
    if (!scope) {
      wrongKeys.failed(address);
      return problem(res, 'API_KEY_INVALID', 'Send the API key this gateway gave your POS platform in the X-Api-Key header.');
    }
    const url = req.url ?? '/';
    const pathname = url.split('?')[0];
    if (pathname === '/terminals' || pathname === '/terminals/') return terminals(req, res, scope);
    const m = FORWARD.exec(url);
    if (!m || !TID.test(m[1]!)) {
      return problem(res, 'ROUTE_NOT_FOUND', `There is no such endpoint. A terminal's API is at /terminals/{tid}/payntpos/1.0.0/…; the terminals are listed at /terminals.`);
    }
    if (!allows(scope, m[1]!)) return problem(res, 'FORBIDDEN', `This API key may not reach terminal ${m[1]!}.`);
    forward(req, res, m[1]!, m[2]!, m[3] ?? '').catch((err: unknown) => {
      logger.error({ err }, 'relay request failed');
      if (!res.headersSent) problem(res, 'INTERNAL_ERROR', 'The relay could not complete the request.');
    });
  }

  // The header and body timeouts are checked this often (Node's default is every 30 s).
  const checkEveryMs = Math.max(50, Math.min(1_000, Math.floor(Math.min(settings.headersTimeoutMs, settings.bodyTimeoutMs) / 4)));
  const server: Server = createServer({ ...tlsOptions(settings.key, settings.cert), handshakeTimeout: settings.headersTimeoutMs, connectionsCheckingInterval: checkEveryMs }, handle);
  holdUnderAbuse(server, settings);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(settings.port, settings.host, () => resolve());
    });
  } catch (err) {
    await broker.stop();
    server.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const shown = settings.host === '0.0.0.0' || settings.host === '::' ? 'localhost' : settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  return {
    url: `https://${shown}:${port}`,
    instance,
    board,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await broker.stop();
    },
  };
}
