import { isIP } from 'node:net';
import { ValidationError } from '../shared/errors';

/** Where eposd itself listens: its ports, and the addresses that reach it. */
export interface OwnEndpoints {
  ports: number[];
  addresses: string[];
}

const isLoopback = (host: string): boolean => host === 'localhost' || host.endsWith('.localhost') || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));

/**
 * A webhook URL a register may give at pairing.
 * @NOTE Userinfo (`http://user:pw@…`) would be sent nowhere and kept in the database; a URL that points
 * at eposd's own ports would turn webhooks into requests to itself, and one at the screen port into a
 * way past its loopback-only rule. Both are refused, naming the field.
 */
export function checkCallbackUrl(value: string, own: OwnEndpoints): void {
  const url = new URL(value);
  const fail = (message: string) => new ValidationError([{ field: 'callbackUrl', message }]);
  if (url.username !== '' || url.password !== '') throw fail('must not carry a user name or password: sign-in details in a URL are never sent; webhooks are signed instead');
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const ours = isLoopback(host) || own.addresses.some((a) => a.toLowerCase() === host) || host === '0.0.0.0' || host === '::';
  if (ours && own.ports.includes(port)) throw fail("must not point at this terminal's own ports: give the URL of your POS's webhook receiver");
}
