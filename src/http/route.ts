import type { Request, RequestHandler, Response, Router } from 'express';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ApiError } from './errors';
import { checker } from './validation';
import { hasBody, isJson } from './body';

type Method = 'GET' | 'POST' | 'DELETE';

export interface Endpoint<Q extends TSchema | undefined, B extends TSchema | undefined> {
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
  const checkQuery = e.query ? checker(e.query, 'query') : undefined;
  const checkBody = e.body ? checker(e.body, 'body') : undefined;
  return async (req, res) => {
    const query = checkQuery ? checkQuery({ ...req.query }) : {};
    if (checkBody && !isJson(req)) throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as JSON with Content-Type: application/json.');
    if (!checkBody && hasBody(req) && !isJson(req)) throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'This endpoint takes no body; if one is sent it must be JSON.');
    const body = checkBody ? checkBody(req.body) : checker(EMPTY, 'body')(req.body ?? {});
    await e.handle({ query, body: checkBody ? body : undefined }, req, res);
  };
}

const EMPTY = Type.Object({}, { additionalProperties: false });

/** Mounts the methods of one path; any other method answers 405 with an Allow header. */
export function route(router: Router, path: string, methods: Partial<Record<Method, AnyEndpoint>>): void {
  const r = router.route(path);
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
