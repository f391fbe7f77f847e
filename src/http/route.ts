import type { Request, RequestHandler, Response, Router } from 'express';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ApiError } from './errors';
import type { ErrorCode } from './error-codes';
import { checker } from './validation';
import { hasBody, isJson } from './body';

export type Method = 'GET' | 'POST' | 'DELETE';

export interface ResponseSpec {
  description: string;
  schema?: TSchema;
  /** application/json unless said otherwise. */
  contentType?: string;
}

export interface Endpoint<Q extends TSchema | undefined, B extends TSchema | undefined> {
  summary?: string;
  description?: string;
  /** The successful answers, by status. Error answers come from `errors` and what the endpoint checks. */
  responses?: Record<number, ResponseSpec>;
  /** The error codes this endpoint can answer besides the ones every endpoint can. */
  errors?: ErrorCode[];
  query?: Q;
  body?: B;
  /** Middleware run before validation, e.g. authentication. */
  before?: RequestHandler[];
  handle: (
    input: { query: Q extends TSchema ? Static<Q> : Record<string, never>; body: B extends TSchema ? Static<B> : undefined },
    req: Request,
    res: Response,
  ) => unknown;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyEndpoint = Endpoint<any, any>;

export const endpoint = <Q extends TSchema | undefined = undefined, B extends TSchema | undefined = undefined>(
  e: Endpoint<Q, B>,
): Endpoint<Q, B> => e;

function toHandler(e: AnyEndpoint): RequestHandler {
  const checkQuery = checker(e.query ?? EMPTY, 'query');
  const checkBody = e.body ? checker(e.body, 'body') : undefined;
  return async (req, res) => {
    const query = checkQuery({ ...req.query });
    if (checkBody && !isJson(req)) throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as JSON with Content-Type: application/json.');
    if (!checkBody && hasBody(req) && !isJson(req)) throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'This endpoint takes no body; if one is sent it must be JSON.');
    const body = checkBody ? checkBody(req.body) : checkNoBody(req.body ?? {});
    await e.handle({ query, body: checkBody ? body : undefined }, req, res);
  };
}

const EMPTY = Type.Object({}, { additionalProperties: false });
const checkNoBody = checker(EMPTY, 'body');

export interface RouteEntry {
  path: string;
  method: Method;
  endpoint: AnyEndpoint;
}

const REGISTRY = Symbol('eposd.routes');

/** Every endpoint mounted on this router, for the OpenAPI document. */
export function routesOf(router: Router): RouteEntry[] {
  return ((router as unknown as Record<symbol, RouteEntry[]>)[REGISTRY] ??= []);
}

/** Mounts the methods of one path; any other method answers 405 with an Allow header. */
export function route(router: Router, path: string, methods: Partial<Record<Method, AnyEndpoint>>): void {
  const r = router.route(path);
  for (const [method, endpoint] of Object.entries(methods)) routesOf(router).push({ path, method: method as Method, endpoint: endpoint! });
  const allowed = Object.keys(methods) as Method[];
  for (const m of allowed) {
    const e = methods[m]!;
    r[m.toLowerCase() as 'get' | 'post' | 'delete'](...(e.before ?? []), toHandler(e));
  }
  r.all((_req, res, next) => {
    res.setHeader('Allow', allowed.join(', '));
    next(new ApiError('METHOD_NOT_ALLOWED', `Use ${allowed.join(' or ')} on this endpoint.`));
  });
}
