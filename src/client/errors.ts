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

const codeOf = (err: unknown): unknown => (err as { code?: unknown } | null)?.code;

/** Whether `err` means the request or its answer was lost in the network (and so may be retried). */
/**
 * A relay gateway's word that the answer was lost on the way (no answer in time, or no broker): as for a
 * network error, the request may or may not have been carried out. A terminal offline is one too while
 * waiting for an outcome (it may be restarting), but not for a new payment, which it never received.
 */
export const RELAY_LOST = new Set(['RELAY_TIMEOUT', 'RELAY_UNAVAILABLE']);
export const isRelayLost = (err: unknown, offlineToo = false): boolean => err instanceof EposdApiError && (RELAY_LOST.has(err.code) || (offlineToo && err.code === 'TERMINAL_OFFLINE'));

export function isNetworkError(err: unknown): boolean {
  const code = codeOf(err instanceof EposdNetworkError ? err.cause : err);
  if (err instanceof EposdNetworkError && typeof code !== 'string') return true;
  return typeof code === 'string' && NETWORK_CODES.has(code);
}

/** What a system error on the way to the terminal at `address` means, in words a POS developer can act on. */
function describeSystemError(code: string, address: string, host: string): string {
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return `Cannot find the terminal's address ${host}: give its IP address or name, optionally with its port (192.168.1.50 or 192.168.1.50:8443).`;
    case 'ECONNREFUSED':
      return `Nothing answers at ${address}: is eposd running there, and is that its API port (eposd prints it in its ready line)?`;
    case 'ETIMEDOUT':
      return `The terminal at ${address} did not answer in time: check that it is on and on this network.`;
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
    case 'UND_ERR_SOCKET':
      return `The connection to the terminal at ${address} was closed before its answer arrived.`;
    case 'EHOSTUNREACH':
    case 'EHOSTDOWN':
    case 'ENETUNREACH':
    case 'ENETDOWN':
      return `The terminal at ${address} cannot be reached from this machine's network.`;
    default:
      return /SSL|TLS|EPROTO|CERT/i.test(code)
        ? `The service at ${address} does not speak HTTPS as an eposd terminal does: is that the terminal's API port, not its screen port?`
        : `Could not talk to the terminal at ${address} (${code}).`;
  }
}

/**
 * A system error (it has a string `code`, like ENOTFOUND) as an EposdNetworkError whose message says what
 * to do; the original stays in `cause`. Errors of this library and aborts pass through unchanged.
 */
export function asNetworkError(err: unknown, address: string, host: string): unknown {
  const code = codeOf(err);
  if (err instanceof EposdClientError || typeof code !== 'string' || code === 'ABORT_ERR') return err;
  return new EposdNetworkError(describeSystemError(code, address, host), err);
}
