import type { Static, TSchema } from '@sinclair/typebox';
import type { ErrorCode } from '../shared/error-codes';
import type { Role } from '../pairing/registers.repository';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * Who may call an endpoint: anyone; a paired POS; a technician; either kind of token; or the
 * terminal's own screen (a request whose Host is a loopback name, on the loopback-only screen port).
 */
export type Auth = 'none' | 'pos' | 'technician' | 'token' | 'screen';

/** Who is calling, once authenticated: a register's token, the screen, or nobody in particular. */
export interface Caller {
  registerId: string | null;
  role: Role | 'screen' | null;
  /** The peer's address, for the audit trail. */
  origin: string | null;
}

export interface ResponseSpec {
  description: string;
  schema?: TSchema;
  /** application/json unless said otherwise. */
  contentType?: string;
}

/** One Server-Sent Events stream, open until the client goes away. */
export interface EventStream {
  send(e: { id?: string; event?: string; data: unknown }): void;
  onClose(fn: () => void): void;
  end(): void;
}

/** What a handler answers: a JSON body (or none) with its status, or an event stream. */
export type Answer =
  | {
      status?: number;
      body?: unknown;
      headers?: Record<string, string>;
      /** What the audit entry names, when the request itself does not: the UTI created, the register paired. */
      audit?: { uti?: string; actor?: string; role?: string };
    }
  | { stream: (s: EventStream) => void };

type QueryOf<Q> = Q extends TSchema ? Static<Q> : Record<string, never>;

export interface HandlerInput<Q extends TSchema | undefined, B extends TSchema | undefined> {
  query: QueryOf<Q>;
  body: B extends TSchema ? Static<B> : undefined;
  caller: Caller;
  /** The raw request headers, lower-case names. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Aborts when the client goes away: a handler that waits stops waiting. */
  signal: AbortSignal;
}

/**
 * An endpoint, declared once: everything the one dispatch (dispatch.ts) needs to serve it, and
 * everything the OpenAPI document says of it.
 */
export interface Endpoint<Q extends TSchema | undefined = TSchema | undefined, B extends TSchema | undefined = TSchema | undefined> {
  method: Method;
  /** Below the API's base path (or the screen's root). */
  path: string;
  auth: Auth;
  /** The query's `tid`, when sent, must be this terminal's. */
  tid?: boolean;
  query?: Q;
  body?: B;
  /** The body may be left out (then `body` is undefined): an endpoint that works with and without one. */
  bodyOptional?: boolean;
  /** The audit event recorded once the request is answered, or a function choosing it from the input. */
  audit?: string | ((input: HandlerInput<Q, B>) => string | undefined);
  /** At most this many requests a minute from one address (checked before the input). */
  ratePerMinute?: number;
  summary?: string;
  description?: string;
  /** The successful answers, by status. Error answers come from `errors` and what the endpoint checks. */
  responses?: Record<number, ResponseSpec>;
  /** The error codes this endpoint can answer besides the ones every endpoint can. */
  errors?: readonly ErrorCode[];
  handle(input: HandlerInput<Q, B>): Answer | Promise<Answer>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyEndpoint = Endpoint<any, any>;

/** Declares an endpoint; only here so that TypeScript infers the input types from the schemas. */
export const endpoint = <Q extends TSchema | undefined = undefined, B extends TSchema | undefined = undefined>(e: Endpoint<Q, B>): AnyEndpoint => e as AnyEndpoint;
