import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect, type MqttClient } from 'mqtt';
import { BODY_LIMIT_BYTES } from '../http/body';
import { ApiError, problemBody } from '../shared/errors';
import type { ErrorCode } from '../shared/error-codes';
import type { Logger } from '../shared/logger';
import { tlsOptions } from '../tls/options';
import { readAnswer, RELAY_REQUEST_LIMIT_BYTES, type RelayAnswer, type RelayRequest } from '../relay/protocol';
import { PRESENCE_FILTER, requestTopic, responseFilter, responseTopic, SEEN_FILTER, TID, tidOfTopic } from '../relay/topics';
import { noDelay } from '../relay/terminal-relay';
import { PresenceBoard } from './presence-board';
import type { GatewaySettings } from './settings';

/** A long poll's own wait is added to the timeout, and this much on top: the terminal answers at the end of its wait. */
const LONG_POLL_MARGIN_MS = 10_000;
const HEADERS_TIMEOUT_MS = 10_000;
const FORWARD = /^\/terminals\/([^/]+)(\/payntpos\/1\.0\.0(?:\/[^?]*)?)(\?.*)?$/i;
/** Not forwarded: the hop's own headers, and the gateway's key, which is for the gateway only. */
const HOP = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'x-api-key', 'content-length', 'expect']);
const ANSWER_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);
/** What the gateway's own answers carry (a terminal's answers carry the terminal's). */
const OWN_HEADERS = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Strict-Transport-Security': 'max-age=31536000' };

interface Waiting {
  tid: string;
  settle: (answer: RelayAnswer) => void;
}

export interface RunningGateway {
  url: string;
  instance: string;
  board: PresenceBoard;
  stop(): Promise<void>;
}

const hash = (key: string) => createHash('sha256').update(key).digest();

function problem(res: ServerResponse, code: ErrorCode, detail: string, headers: Record<string, string> = {}): void {
  const err = new ApiError(code, detail);
  const body = JSON.stringify(problemBody(err));
  res.writeHead(err.status, { ...headers, ...OWN_HEADERS, 'Content-Type': 'application/problem+json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string | undefined | null> {
  return new Promise((resolve) => {
    if (Number(req.headers['content-length'] ?? 0) > BODY_LIMIT_BYTES) return resolve(null);
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (c: Buffer) => {
      bytes += c.length;
      if (bytes > BODY_LIMIT_BYTES) {
        req.removeAllListeners('data');
        resolve(null);
      } else chunks.push(c);
    });
    req.once('end', () => bytes <= BODY_LIMIT_BYTES && resolve(bytes === 0 && req.headers['content-length'] === undefined ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.once('error', () => resolve(undefined));
  });
}

/**
 * `eposd-relay`: HTTPS for POS platforms in front of the broker. Stateless: what it knows of terminals is
 * the broker's retained presence, and each request waits only in this instance's memory, on its own
 * response topic. The POS's Authorization header goes through untouched; the terminal checks it.
 */
export async function startGateway(settings: GatewaySettings & { key: string; cert: string }, logger: Logger): Promise<RunningGateway> {
  const instance = settings.instance ?? randomBytes(6).toString('hex');
  const user = settings.brokerUsername ?? 'anonymous';
  const board = new PresenceBoard();
  const waiting = new Map<string, Waiting>();
  const keys = settings.apiKeys.map(hash);
  if (keys.length === 0) logger.warn('RELAY_API_KEYS is not set: any POS platform that reaches this gateway may use it');

  const client: MqttClient = connect(settings.brokerUrl, {
    protocolVersion: 5,
    // Not the instance's name: a terminal sees that name in response topics and must not be able to take this connection over.
    clientId: `eposd-relay-${randomBytes(9).toString('hex')}`,
    username: settings.brokerUsername,
    password: settings.brokerPassword,
    ca: settings.brokerCa,
    cert: settings.brokerCert,
    key: settings.brokerKey,
    clean: true,
    reconnectPeriod: 1_000,
    connectTimeout: 10_000,
  });
  client.on('error', (err) => logger.warn({ err: err.message }, 'broker connection failed'));
  client.on('connect', () => noDelay(client));
  client.on('message', (topic, payload, packet) => {
    const tid = tidOfTopic(topic);
    if (tid === undefined) return;
    if (topic.endsWith('/presence')) return board.update(tid, 'presence', payload);
    if (topic.endsWith('/seen')) return board.update(tid, 'seen', payload);
    const key = packet.properties?.correlationData?.toString('hex');
    const w = key === undefined ? undefined : waiting.get(key);
    // @NOTE The broker lets a terminal write only to responses/<its TID>: an answer for another terminal's request is refused here.
    if (!w || w.tid !== tid) return;
    const answer = readAnswer(payload);
    if (answer) w.settle(answer);
  });
  const subscribed = new Promise<void>((resolve, reject) => {
    client.once('connect', () =>
      client.subscribe({ [PRESENCE_FILTER]: { qos: 1 }, [SEEN_FILTER]: { qos: 1 }, [responseFilter(user, instance)]: { qos: 1 } }, (err, granted) => {
        if (err) return reject(err);
        const refused = (granted ?? []).filter((g) => g.qos > 2);
        if (refused.length > 0) return reject(new Error(`the broker refused the subscriptions ${refused.map((g) => g.topic).join(', ')}: check the gateway's ACL`));
        // The retained presences arrive right after the subscription's acknowledgement.
        setTimeout(resolve, 200);
      }),
    );
  });

  const authorized = (req: IncomingMessage): boolean => {
    if (keys.length === 0) return true;
    const sent = req.headers['x-api-key'];
    if (typeof sent !== 'string' || sent.length === 0) return false;
    const h = hash(sent);
    return keys.some((k) => timingSafeEqual(k, h));
  };

  async function forward(req: IncomingMessage, res: ServerResponse, tid: string, path: string, query: string): Promise<void> {
    if (!client.connected) return problem(res, 'RELAY_UNAVAILABLE', 'The relay cannot reach its broker right now. Try again shortly.');
    if (!board.isOnline(tid)) return problem(res, 'TERMINAL_OFFLINE', `Terminal ${tid} is not connected to the relay. Check that it is on and has a network.`);
    const body = await readBody(req);
    if (body === null) {
      res.setHeader('Connection', 'close');
      return problem(res, 'PAYLOAD_TOO_LARGE', 'The body must be at most 16 KiB.');
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers))
      if (!HOP.has(name) && !name.startsWith('x-forwarded-') && value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    const request: RelayRequest = { m: req.method ?? 'GET', u: path + query, h: headers, b: body, o: req.socket.remoteAddress };
    const payload = Buffer.from(JSON.stringify(request));
    if (payload.length > RELAY_REQUEST_LIMIT_BYTES) return problem(res, 'PAYLOAD_TOO_LARGE', 'The request, headers and body, is too large.');
    const wait = /[?&]wait=(\d{1,2})(?:&|$)/.exec(query)?.[1];
    const timeoutMs = settings.timeoutMs + (wait === undefined ? 0 : Number(wait) * 1000 + LONG_POLL_MARGIN_MS);
    const correlation = randomBytes(16);
    const key = correlation.toString('hex');
    const answer = await new Promise<RelayAnswer | undefined>((resolve) => {
      const timer = setTimeout(() => {
        waiting.delete(key);
        resolve(undefined);
      }, timeoutMs);
      waiting.set(key, {
        tid,
        settle: (a) => {
          clearTimeout(timer);
          waiting.delete(key);
          resolve(a);
        },
      });
      client.publish(requestTopic(tid), payload, {
        qos: 1,
        // A request that waits at the broker longer than the POS does is dropped there, never run late.
        properties: { responseTopic: responseTopic(user, instance, tid), correlationData: correlation, messageExpiryInterval: Math.ceil(timeoutMs / 1000), contentType: 'application/json' },
      });
    });
    if (res.destroyed) return;
    if (!answer) {
      return problem(
        res,
        'RELAY_TIMEOUT',
        `Terminal ${tid} did not answer within ${Math.round(timeoutMs / 1000)} s. The request may have been carried out: read the transaction's status by its UTI before trying again.`,
      );
    }
    const list: string[] = [];
    for (let i = 0; i + 1 < answer.h.length; i += 2) if (!ANSWER_HOP.has(answer.h[i]!.toLowerCase())) list.push(answer.h[i]!, answer.h[i + 1]!);
    res.writeHead(answer.s, list);
    res.end(answer.b);
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    if (!authorized(req)) return problem(res, 'API_KEY_INVALID', 'Send the API key this gateway gave your POS platform in the X-Api-Key header.');
    const url = req.url ?? '/';
    const pathname = url.split('?')[0];
    if (pathname === '/terminals' || pathname === '/terminals/') {
      if (req.method !== 'GET') return problem(res, 'METHOD_NOT_ALLOWED', 'Use GET on /terminals.', { Allow: 'GET' });
      const body = JSON.stringify({ terminals: board.list() });
      res.writeHead(200, { ...OWN_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) });
      return void res.end(body);
    }
    const m = FORWARD.exec(url);
    if (!m || !TID.test(m[1]!)) {
      return problem(res, 'ROUTE_NOT_FOUND', `There is no such endpoint. A terminal's API is at /terminals/{tid}/payntpos/1.0.0/…; the terminals are listed at /terminals.`);
    }
    forward(req, res, m[1]!, m[2]!, m[3] ?? '').catch((err: unknown) => {
      logger.error({ err }, 'relay request failed');
      if (!res.headersSent) problem(res, 'INTERNAL_ERROR', 'The relay could not complete the request.');
    });
  }

  const server: Server = createServer({ ...tlsOptions(settings.key, settings.cert), handshakeTimeout: 10_000 }, handle);
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = 0;
  const stopClient = () => client.endAsync(true).catch(() => undefined);
  try {
    await subscribed;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(settings.port, settings.host, () => resolve());
    });
  } catch (err) {
    await stopClient();
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
      await stopClient();
    },
  };
}
