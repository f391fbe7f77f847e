import { Type } from '@sinclair/typebox';
import type { AuditLog } from '../audit/audit.service';
import type { PairingService, Principal } from '../pairing/pairing.service';
import { tokenFromHeader } from '../pairing/tokens';
import { ApiError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { problemAnswer } from './problems';
import type { Answer, AnyEndpoint, Caller, HandlerInput } from './endpoint';
import type { Body } from './body';
import { checker } from './validation';
import { isLoopbackHost, notLoopback } from './loopback-host';

/** One request, as either transport hands it over: the HTTPS port or the relay. */
export interface Call {
  query: Record<string, unknown>;
  body: Body;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  origin: string | null;
  signal: AbortSignal;
  /**
   * Who is calling, when the transport proved it by other means than a token: a relayed request signed
   * by a register's relay key (src/relay/trust.ts). Never taken from the request itself.
   */
  principal?: Principal;
}

export interface DispatchDeps {
  pairing: Pick<PairingService, 'authenticate'>;
  audit: Pick<AuditLog, 'record' | 'authFailure'>;
  logger: Logger;
  /** This terminal's TID, for endpoints that check the query's `tid`. */
  tid: string;
  /** Sees every error a handler threw: SQLite's report of a damaged file takes the terminal out of service. */
  observe?: (err: unknown) => void;
}

/**
 * Serves one declared endpoint: `send` gets the answer exactly once, and calls `sent` once the answer
 * has left (the audit entry is written then: its commit must not hold the answer back). No `sent`:
 * nothing waits for it (an endpoint without an audit event, a caller refused).
 */
export type Dispatch = (e: AnyEndpoint, call: Call, send: (answer: Answer, sent?: () => void) => void) => void;

const EMPTY = Type.Object({}, { additionalProperties: false });

/**
 * The one path every declared endpoint is served through: who is calling, then the input (media type,
 * schemas, tid), then the handler; then the audit entry, once the answer is sent. Whatever is thrown
 * becomes a problem answer. A handler that answers synchronously is answered in the same turn.
 */
export function createDispatch(deps: DispatchDeps): Dispatch {
  const checkers = new WeakMap<AnyEndpoint, { query: (v: unknown) => unknown; body: (v: unknown) => unknown }>();
  const checkersOf = (e: AnyEndpoint) => {
    let c = checkers.get(e);
    if (!c) checkers.set(e, (c = { query: checker(e.query ?? EMPTY, 'query'), body: checker(e.body ?? EMPTY, 'body') }));
    return c;
  };

  function authenticate(e: AnyEndpoint, call: Call): Caller {
    if (e.auth === 'none') return { registerId: null, role: null, origin: call.origin };
    if (e.auth === 'screen') {
      if (!isLoopbackHost(call.headers.host)) throw notLoopback();
      return { registerId: null, role: 'screen', origin: 'screen' };
    }
    const token = call.principal ? undefined : tokenFromHeader(call.headers.authorization as string | undefined);
    const principal = call.principal ?? deps.pairing.authenticate(token);
    if (!principal) {
      deps.audit.authFailure(token ? 'INVALID_TOKEN' : 'MISSING_TOKEN', { origin: call.origin });
      throw new ApiError('UNAUTHORIZED', token ? 'The token is unknown, revoked or expired. Pair again.' : missingTokenDetail(call.headers.authorization as string | undefined));
    }
    const caller: Caller = { registerId: principal.registerId, role: principal.role, origin: call.origin };
    if (e.auth !== 'token' && e.auth !== principal.role) {
      deps.audit.authFailure('FORBIDDEN', { actor: caller.registerId, role: caller.role, origin: caller.origin });
      throw new ApiError('FORBIDDEN', principal.role === 'technician' ? 'A technician token can only read diagnostics.' : 'This needs a technician token.');
    }
    return caller;
  }

  function inputOf(e: AnyEndpoint, call: Call, caller: Caller): HandlerInput<never, never> {
    const check = checkersOf(e);
    const query = check.query(call.query);
    if (call.body.kind === 'other' || (e.body && !e.bodyOptional && call.body.kind === 'none')) {
      throw new ApiError('UNSUPPORTED_MEDIA_TYPE', e.body ? 'Send the body as JSON with Content-Type: application/json.' : 'This endpoint takes no body; if one is sent it must be JSON.');
    }
    // An endpoint without a body schema takes none, or an empty object (its checker is EMPTY's).
    const sent = call.body.kind === 'json' ? check.body(call.body.value) : undefined;
    const body = e.body ? sent : undefined;
    if (e.tid) {
      const tid = (query as { tid?: string }).tid;
      if (tid !== undefined && tid !== deps.tid) {
        throw new ApiError('TID_MISMATCH', "The tid in the request is not this terminal's TID. Check which terminal this address belongs to.");
      }
    }
    return {
      query,
      body,
      caller,
      headers: call.headers,
      get signal() {
        return call.signal;
      },
    } as HandlerInput<never, never>;
  }

  function audit(e: AnyEndpoint, call: Call, caller: Caller, input: HandlerInput<never, never> | undefined, answer: Answer): void {
    const event = typeof e.audit === 'function' ? input && e.audit(input) : e.audit;
    if (!event) return;
    const status = 'stream' in answer ? 200 : (answer.status ?? 200);
    const outcome = status < 400 ? 'OK' : String((answer as { body?: { code?: string } }).body?.code ?? status);
    const named = 'stream' in answer ? undefined : answer.audit;
    const asked = call.query.uti;
    const uti = named?.uti ?? (typeof asked === 'string' && asked.length <= 64 ? asked : null);
    deps.audit.record(event, outcome, { actor: caller.registerId ?? named?.actor ?? null, role: caller.role ?? named?.role ?? null, origin: caller.origin }, uti);
  }

  return (e, call, send) => {
    let caller: Caller | undefined;
    let input: HandlerInput<never, never> | undefined;
    const finish = (answer: Answer) => {
      const who = caller;
      send(answer, who && e.audit !== undefined ? () => audit(e, call, who, input, answer) : undefined);
    };
    const fail = (err: unknown) => {
      deps.observe?.(err);
      finish(problemAnswer(err, deps.logger));
    };
    let result: Answer | Promise<Answer>;
    try {
      caller = authenticate(e, call);
      input = inputOf(e, call, caller);
      result = e.handle(input);
    } catch (err) {
      return fail(err);
    }
    if (result instanceof Promise) result.then(finish, fail).catch((err: unknown) => deps.logger.error({ err }, 'answer not sent'));
    else finish(result);
  };
}

/** No token read: none was sent, or it came in a scheme eposd does not take ("Token …", "Basic …"). */
function missingTokenDetail(header: string | undefined): string {
  const scheme = /^\s*([A-Za-z][A-Za-z-]{0,19})\s+\S/.exec(header ?? '')?.[1];
  return scheme ? `The Authorization header holds the token from pairing as it is, or after "Bearer ": "${scheme}" is not understood.` : 'Send the token from pairing in the Authorization header.';
}
