import { ApiError } from '../shared/errors';

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * @NOTE The screen is bound to loopback, but a web page in a browser on the same laptop could still
 * reach it through DNS rebinding (a name of the attacker's that resolves to 127.0.0.1). Such a request
 * carries the attacker's name in its Host header: only loopback names are answered.
 */
export function isLoopbackHost(header: string | string[] | undefined): boolean {
  const host = (typeof header === 'string' ? header : '').toLowerCase().replace(/:\d+$/, '');
  return LOOPBACK_NAMES.has(host);
}

export const notLoopback = (): ApiError => new ApiError('NOT_LOOPBACK', 'The screen answers only to 127.0.0.1 or localhost: open it on the terminal itself.');
