import type { TSchema } from '@sinclair/typebox';
import { ERROR_CODES, type ErrorCode } from '../shared/error-codes';
import type { AnyEndpoint } from '../http/endpoint';

/** One operation of the document: an endpoint with its method and path. */
interface RouteEntry {
  path: string;
  method: string;
  endpoint: AnyEndpoint;
}
import { VERSION } from '../shared/version';

/**
 * A schema as the document shows it. A `discriminator` over inline schemas (POST /prompt's types) picks
 * the validator's branch, so that a mistake is reported for that type alone; OpenAPI's discriminator
 * selects named schemas only, so the document keeps the `oneOf` and leaves it out.
 */
const json = (schema: unknown) =>
  JSON.parse(JSON.stringify(schema), (_key, value: unknown) => {
    const s = value as { discriminator?: unknown; oneOf?: { $ref?: string }[] } | null;
    if (typeof s !== 'object' || s === null || s.discriminator === undefined || !s.oneOf?.every((o) => o.$ref === undefined)) return value;
    const { discriminator: _inline, ...rest } = s;
    return rest;
  }) as Record<string, unknown>;

function problemSchema(codes: ErrorCode[]) {
  return {
    type: 'object',
    required: ['status', 'code', 'title', 'detail'],
    properties: {
      type: { type: 'string' },
      status: { type: 'integer' },
      code: { type: 'string', enum: codes },
      title: { type: 'string' },
      detail: { type: 'string' },
      errors: { type: 'array', items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } } },
      uti: { type: 'string', description: 'the UTI concerned: the one in progress, the earlier completion or reversal, the conflicting one' },
    },
  };
}

const ROLES: Record<AnyEndpoint['auth'], readonly string[] | undefined> = { none: undefined, screen: undefined, pos: ['pos'], technician: ['technician'], token: ['pos', 'technician'] };
const rolesOf = (e: RouteEntry): readonly string[] | undefined => ROLES[e.endpoint.auth];

/** The error codes an endpoint can answer: its own, and those that come with its inputs and its guard. */
function errorsOf(e: RouteEntry): ErrorCode[] {
  const codes = new Set<ErrorCode>(e.endpoint.errors ?? []);
  const add = (...c: ErrorCode[]) => c.forEach((x) => codes.add(x));
  add('VALIDATION_FAILED', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', 'INTERNAL_ERROR', 'STORAGE_CORRUPT');
  if (e.endpoint.body) add('MALFORMED_JSON');
  const roles = rolesOf(e);
  if (roles) add('UNAUTHORIZED');
  if (roles && roles.length < 2) add('FORBIDDEN');
  if (e.method !== 'GET') add('STORAGE_UNAVAILABLE');
  return [...codes];
}

function parameters(schema: TSchema | undefined) {
  const s = schema && json(schema);
  const props = (s?.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((s?.required ?? []) as string[]);
  return Object.entries(props).map(([name, p]) => ({ name, in: 'query', required: required.has(name), description: p.description, schema: p }));
}

function operation(e: RouteEntry) {
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(e.endpoint.responses ?? { 200: { description: 'OK' } })) {
    responses[status] = { description: r.description, ...(r.schema ? { content: { [r.contentType ?? 'application/json']: { schema: json(r.schema) } } } : {}) };
  }
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorsOf(e)) byStatus.set(ERROR_CODES[code].status, [...(byStatus.get(ERROR_CODES[code].status) ?? []), code]);
  for (const [status, codes] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    responses[String(status)] = {
      description: codes.map((c) => `${c}: ${ERROR_CODES[c].title}`).join('; '),
      content: { 'application/problem+json': { schema: problemSchema(codes) } },
    };
  }
  const roles = rolesOf(e);
  return {
    operationId: `${e.method.toLowerCase()}${e.path.replace(/(^|[/-])(\w)/g, (_m, _s, c: string) => c.toUpperCase())}`,
    summary: e.endpoint.summary,
    ...(e.endpoint.description ? { description: e.endpoint.description } : {}),
    security: roles ? [{ authToken: [] }] : [],
    ...(roles ? { 'x-eposd-roles': roles } : {}),
    parameters: parameters(e.endpoint.query as TSchema | undefined),
    ...(e.endpoint.body ? { requestBody: { required: !e.endpoint.bodyOptional, content: { 'application/json': { schema: json(e.endpoint.body) } } } } : {}),
    responses,
  };
}

/** OpenAPI 3.1, generated from the same schema values that validate the requests and type the answers. */
export function buildOpenApi(endpoints: AnyEndpoint[], basePath: string) {
  const entries: RouteEntry[] = endpoints.map((endpoint) => ({ path: endpoint.path, method: endpoint.method, endpoint }));
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of entries) (paths[basePath + e.path] ??= {})[e.method.toLowerCase()] = operation(e);
  return {
    openapi: '3.1.0',
    info: {
      title: 'eposd: the on-terminal EPOS API',
      version: VERSION,
      description:
        'Wire-compatible with the Paynt EPOS API. Pair with the code shown on the terminal, then send the authToken as the Authorization header (raw, or as "Bearer <token>"). ' +
        'Every error is application/problem+json. Any path answers 404 ROUTE_NOT_FOUND when unknown and 405 METHOD_NOT_ALLOWED (with an Allow header) for a method it does not have. ' +
        'The certificate is self-signed: pin the certificateFingerprint (SHA-256 of its public key) from pairing.',
    },
    servers: [{ url: `https://{terminal}:{port}${basePath}`.replace(basePath, ''), variables: { terminal: { default: '127.0.0.1' }, port: { default: '8443' } } }],
    components: {
      securitySchemes: {
        authToken: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'The authToken from pairing, as it is or as "Bearer <token>".' },
      },
    },
    paths,
  };
}
