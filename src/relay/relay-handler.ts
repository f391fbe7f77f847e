import { problemBody, ApiError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { Dispatch } from '../http/dispatch';
import type { AnyEndpoint } from '../http/endpoint';
import { problemAnswer } from '../http/problems';
import { serveEndpoints, writeAnswer, type HeaderList } from '../http/serve';
import { recordingResponse, relayedRequest } from './exchange';
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
export type RelayHandler = (request: RelayRequest, origin: string) => { answer: Promise<RelayAnswer>; abandon: () => void };

/**
 * Serves relayed requests through the HTTPS port's own endpoint code (serveEndpoints: lookup, rate
 * limit, body limit and parsing, the one dispatch, the answer's bytes). Only an event stream is refused:
 * a stream has no single answer to carry back (docs/relay.md).
 */
export function relayHandler(options: RelayHandlerOptions): RelayHandler {
  const { headers, logger } = options;
  const notRelayed = () => {
    const problem = new ApiError('NOT_RELAYED', 'Event streams are not served through the relay: long-poll GET /transaction with wait= instead.');
    return { status: problem.status, body: problemBody(problem) };
  };
  const dispatch: Dispatch = (e, call, send) => options.dispatch(e, call, (answer, sent) => send('stream' in answer ? notRelayed() : answer, sent));
  const serve = serveEndpoints(options.endpoints, { ...options, dispatch });
  return (request, origin) => {
    const req = relayedRequest(request, origin);
    const { res, answer, abandon } = recordingResponse();
    serve(req, res, () => writeAnswer(res, headers, problemAnswer(new ApiError('ROUTE_NOT_FOUND', options.notFound), logger)));
    return { answer, abandon };
  };
}
