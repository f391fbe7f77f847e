/** Every error code eposd answers with: its HTTP status and its title. Stable names; clients match on `code`. */
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  MALFORMED_JSON: { status: 400, title: 'The body is not valid JSON' },
  TID_MISMATCH: { status: 400, title: 'This is not the terminal the request was meant for' },
  UNAUTHORIZED: { status: 401, title: 'A valid token is required' },
  PAIRING_FAILED: { status: 401, title: 'Pairing failed' },
  FORBIDDEN: { status: 403, title: 'This token may not do that' },
  NOT_FOUND: { status: 404, title: 'No such transaction' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such endpoint' },
  ORIGINAL_NOT_FOUND: { status: 404, title: 'The original transaction does not exist' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed on this endpoint' },
  TERMINAL_BUSY: { status: 409, title: 'The terminal is busy with another transaction' },
  INVALID_ORIGINAL: { status: 409, title: 'The original transaction cannot be used for this' },
  ALREADY_COMPLETED: { status: 409, title: 'The pre-authorisation is already completed' },
  ALREADY_VOIDED: { status: 409, title: 'The transaction is already voided' },
  ALREADY_SETTLED: { status: 409, title: 'The transaction is already settled' },
  UTI_CONFLICT: { status: 409, title: 'This UTI was already used for a different request' },
  CANNOT_CANCEL: { status: 409, title: 'The transaction can no longer be cancelled' },
  NOTHING_TO_PRINT: { status: 409, title: 'There is no receipt to print' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The body must be JSON' },
  AMOUNT_EXCEEDS_PREAUTH: { status: 422, title: 'The amount exceeds the pre-authorised amount' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  INTERNAL_ERROR: { status: 500, title: 'The terminal could not complete the request' },
  STORAGE_UNAVAILABLE: { status: 503, title: 'The terminal cannot store transactions right now' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
