import { ERROR_CODES, type ErrorCode } from './error-codes';

export interface FieldError {
  field: string;
  message: string;
}

/** The one error type eposd throws for anything a client should see. */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  /** Headers the answer carries with the problem (Retry-After). */
  readonly headers: Record<string, string> = {};
  /** Its cause was logged where it was found (once per change of state): the front door does not log it again. */
  reported = false;
  constructor(
    readonly code: ErrorCode,
    readonly detail: string = ERROR_CODES[code].title,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(`${code}: ${detail}`);
    this.status = ERROR_CODES[code].status;
    this.title = ERROR_CODES[code].title;
  }
}

export class ValidationError extends ApiError {
  constructor(readonly errors: FieldError[]) {
    super('VALIDATION_FAILED', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
  }
}

/** The application/problem+json body (RFC 9457) for an error. */
export function problemBody(err: ApiError): Record<string, unknown> {
  // The contract's fields come last: no extra may replace the HTTP status or the code.
  return { type: 'about:blank', ...err.extra, status: err.status, code: err.code, title: err.title, detail: err.detail };
}
