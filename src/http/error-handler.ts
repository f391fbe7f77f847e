import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from '../shared/logger';
import { ApiError, problemBody } from './errors';

export function sendProblem(res: Response, err: ApiError): void {
  res.locals.problemCode = err.code;
  res.status(err.status).type('application/problem+json').json(problemBody(err));
}

// body-parser's own failures, as the codes of the contract.
const BODY_PARSER_ERRORS: Record<string, ApiError> = {
  'entity.too.large': new ApiError('PAYLOAD_TOO_LARGE', 'The body must be at most 16 KiB.'),
  'entity.parse.failed': new ApiError('MALFORMED_JSON', 'The body could not be parsed as JSON.'),
  'charset.unsupported': new ApiError('UNSUPPORTED_MEDIA_TYPE', 'The body must be UTF-8 JSON.'),
  'encoding.unsupported': new ApiError('UNSUPPORTED_MEDIA_TYPE', 'The body must not be compressed.'),
  'request.aborted': new ApiError('VALIDATION_FAILED', 'The body was not received completely.'),
  'request.size.invalid': new ApiError('VALIDATION_FAILED', 'The body was not received completely.'),
};

const STORAGE_FAILURES = new Set(['SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_BUSY', 'SQLITE_LOCKED']);

export function toApiError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  const e = err as { type?: string; code?: string };
  if (typeof e?.type === 'string' && BODY_PARSER_ERRORS[e.type]) return BODY_PARSER_ERRORS[e.type];
  if (e?.code === 'SQLITE_NOTADB' || e?.code?.startsWith?.('SQLITE_CORRUPT')) {
    return new ApiError('STORAGE_CORRUPT', 'Part of the terminal\'s database is damaged and could not be read. A technician must recover it.');
  }
  if (typeof e?.code === 'string' && STORAGE_FAILURES.has(e.code.split('_').slice(0, 2).join('_'))) {
    return new ApiError('STORAGE_UNAVAILABLE', 'The terminal cannot write to its storage. Nothing was recorded; try again later.');
  }
  return undefined;
}

/** The last handler: known errors become their problem; anything else is a 500 that says nothing of why. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = toApiError(err);
    if (known && known.status < 500) return sendProblem(res, known);
    logger.error({ err, method: req.method, path: req.path }, 'request failed');
    if (res.headersSent) return res.destroy();
    sendProblem(res, known ?? new ApiError('INTERNAL_ERROR', 'The terminal could not complete the request.'));
  };
}

export const routeNotFound: RequestHandler = (_req, _res, next) =>
  next(new ApiError('ROUTE_NOT_FOUND', 'There is no such endpoint. The API lives under /payntpos/1.0.0.'));
