import type Bonjour from 'bonjour-service';
import { multicastOptions, type MdnsNetwork } from './mdns-network';

/** DNS-SD service type `_eposd._tcp`. */
export const SERVICE_TYPE = 'eposd';

/** The TXT record of an announced terminal. */
export interface TerminalTxt {
  tid: string;
  serial: string;
  /** SHA-256 of the certificate's public key, 64 lowercase hex digits. */
  fp: string;
  /** The API's base path, /payntpos/1.0.0. */
  path: string;
  version: string;
}

/**
 * A bonjour-service instance on `network` whose socket errors are reported to `onError` instead of
 * being thrown: bonjour-service throws from its default error callback, and multicast-dns emits
 * 'error' (port in use, no permission) with no listener, which would end the process.
 */
export function openBonjour(network: MdnsNetwork | undefined, onError: (err: Error) => void): Bonjour {
  // Required here: with mDNS off, the default, the library is never loaded (docs/performance.md).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  const { Bonjour } = require('bonjour-service') as typeof import('bonjour-service');
  const bonjour = new Bonjour(multicastOptions(network), onError);
  const mdns = (bonjour as unknown as { server: { mdns: NodeJS.EventEmitter } }).server.mdns;
  mdns.on('error', onError);
  return bonjour;
}
