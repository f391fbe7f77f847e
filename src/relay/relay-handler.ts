import type { IncomingMessage, ServerResponse } from 'node:http';
import { inject } from 'light-my-request';
import { problemBody, ApiError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { Dispatch } from '../http/dispatch';
import type { Answer, AnyEndpoint } from '../http/endpoint';
import { problemAnswer } from '../http/problems';
import { serveEndpoints } from '../http/serve';
import { writeAnswer } from '../http/answer';
import type { HeaderList } from '../http/headers';
import type { Principal } from '../pairing/pairing.service';
import type { RelayAnswer, RelayRequest } from './protocol';

export interface RelayHandlerOptions {
  endpoints: AnyEndpoint[];
  dispatch: Dispatch;
  /** The headers every answer of the HTTPS port carries (recordHeaders(everyAnswer())). */
  headers: HeaderList;
  basePath: string;
  notFound: string;
  logger: Logger;
}

/** A relayed request, and what abandons it (the relay stopping): a waiting handler stops waiting. */
export interface RelayExchange {
  answer: Promise<RelayAnswer>;
  abandon: () => void;
}

/** Serves a relayed request as `principal` when the relay proved who sent it (a signed request), else by its token. */
export type RelayHandler = (request: RelayRequest, origin: string, principal?: Principal) => RelayExchange;

/** The API's own answers as the relay carries them: the recorded headers and a JSON or problem body, written by writeAnswer. */
export type AnswerWriter = (answer: Exclude<Answer, { stream: unknown }>) => Promise<RelayAnswer>;

/** Hop-by-hop and transport headers: the terminal sets its own from the payload, never the gateway's. */
const DROPPED = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'expect']);
/** What Node adds to every answer on a socket: not the API's, and meaningless once relayed. */
const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

/** The Host every relayed request carries: not a loopback name, so never the screen's. */
export const RELAY_HOST = 'relay';

/** The answer a response recorded: its status, its headers in the order set (lower-case names), and its body. */
function recorded(res: ServerResponse, body: string): RelayAnswer {
  const h: HeaderList = [];
  for (const name of res.getHeaderNames()) {
    if (TRANSPORT.has(name)) continue;
    const value = res.getHeader(name);
    for (const v of Array.isArray(value) ? value : [value]) h.push(name, String(v));
  }
  return { status: res.statusCode, headers: h, body };
}

/**
 * Serves relayed requests through the HTTPS port's own endpoint code (serveEndpoints: lookup, rate
 * limit, body limit and parsing, the one dispatch, the answer's bytes) on Node's own request and
 * response objects, made by light-my-request. Only an event stream is refused: a stream has no single
 * answer to carry back (docs/relay.md).
 */
export function relayHandler(options: RelayHandlerOptions): { handle: RelayHandler; write: AnswerWriter } {
  const { headers, logger } = options;
  const notRelayed = () => {
    const problem = new ApiError('NOT_RELAYED', 'Event streams are not served through the relay: long-poll GET /transaction with wait= instead.');
    return { status: problem.status, body: problemBody(problem) };
  };
  // @NOTE What waits for an answer to have left (the audit entry, a payment's next log entry: commits)
  // runs a turn later here: light-my-request's response finishes before the relay has published the
  // answer, where HTTPS's finishes once the socket took it. Run at once, those commits held every
  // relayed sale's acknowledgement back by a disk sync or two.
  const dispatch: Dispatch = (e, call, send) => options.dispatch(e, call, (answer, sent) => send('stream' in answer ? notRelayed() : answer, sent && (() => setImmediate(sent))));
  // @NOTE Set only here, by the relay, for a request whose signature it verified: no header can claim it.
  const principals = new WeakMap<IncomingMessage, Principal>();
  const serve = serveEndpoints(options.endpoints, { ...options, dispatch, principalOf: (req) => principals.get(req) });
  const notFound = (res: ServerResponse) => writeAnswer(res, headers, problemAnswer(new ApiError('ROUTE_NOT_FOUND', options.notFound), logger));

  const handle: RelayHandler = (request, origin, principal) => {
    const requestHeaders: Record<string, string> = { host: RELAY_HOST };
    for (const [name, value] of Object.entries(request.headers)) if (!DROPPED.has(name.toLowerCase())) requestHeaders[name.toLowerCase()] = value;
    let response: ServerResponse | undefined;
    const answer = inject(
      (req, res) => {
        response = res;
        if (principal) principals.set(req, principal);
        serve(req, res, () => notFound(res));
      },
      { method: request.method.toUpperCase() as 'GET', url: request.url, headers: requestHeaders, payload: request.body, remoteAddress: origin, validate: false },
    ).then((r) => recorded(r.raw.res, r.payload));
    // Destroying the response closes it, as a client going away does: a long poll stops waiting.
    return { answer, abandon: () => response?.destroy() };
  };
  const write: AnswerWriter = (answer) => inject((_req, res) => writeAnswer(res, headers, answer), { url: '/' }).then((r) => recorded(r.raw.res, r.payload));
  return { handle, write };
}
