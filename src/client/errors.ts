import type { Problem } from './types';

/** The base of every error this library throws on purpose. */
export class EposdClientError extends Error {
  override name = 'EposdClientError';
}

/**
 * The terminal presented a public key other than the one pinned when it was paired. Nothing was sent:
 * the check runs on the TLS connection before a request is written. Either someone is in between, or
 * the terminal was replaced or reset; compare the fingerprint on its screen, then pair again.
 */
export class CertificateChangedError extends EposdClientError {
  override name = 'CertificateChangedError';
  constructor(
    readonly address: string,
    readonly expected: string,
    readonly presented: string,
    message = `The terminal at ${address} presented a different key (fingerprint ${presented}) from the one pinned when it was paired (${expected}). ` +
      'Nothing was sent. If the terminal was replaced or reset, compare the fingerprint on its screen and pair again with --accept-new-key.',
  ) {
    super(message);
  }
}

/** The terminal answered with an HTTP error: its problem+json body is in `problem`. */
export class EposdApiError extends EposdClientError {
  override name = 'EposdApiError';
  readonly status: number;
  readonly code: string;
  constructor(readonly problem: Problem) {
    super(`${problem.code}: ${problem.detail ?? problem.title}`);
    this.status = problem.status;
    this.code = problem.code;
  }
}

/** The terminal could not be reached, or the connection broke before its answer arrived. */
export class EposdNetworkError extends EposdClientError {
  override name = 'EposdNetworkError';
  constructor(
    message: string,
    override readonly cause: unknown,
    /** The UTI of the payment whose start may or may not have reached the terminal. */
    readonly uti?: string,
  ) {
    super(message);
  }
}

/** No paired terminal matches, or none is paired yet. */
export class NotPairedError extends EposdClientError {
  override name = 'NotPairedError';
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET']);

/** Whether `err` means the request or its answer was lost in the network (and so may be retried). */
export function isNetworkError(err: unknown): boolean {
  if (err instanceof EposdNetworkError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NETWORK_CODES.has(code);
}
