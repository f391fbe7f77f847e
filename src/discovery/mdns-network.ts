/** The mDNS group and port (RFC 6762). */
export const MDNS_GROUP = '224.0.0.251';
export const MDNS_PORT = 5353;

/** Where mDNS packets may go and come from. */
export interface MdnsNetwork {
  /** The IPv4 address of the one interface to use, e.g. 127.0.0.1. Default: every interface (a real terminal). */
  interface?: string;
  /** Default 5353. Tests use another port so that they never meet a real responder on the machine. */
  port?: number;
}

/** Loopback only: nothing leaves the machine. What the tests use. */
export const LOOPBACK_ONLY: MdnsNetwork = { interface: '127.0.0.1' };

/**
 * The options multicast-dns (under bonjour-service) is built with.
 * @NOTE multicast-dns binds its socket to `bind ?? interface`, joins the group on `interface` (else on
 * every interface) and sends through `interface`. A socket bound to a unicast address gets no
 * multicast on Linux, so with an interface it binds to the group address instead: it then receives the
 * group's packets, joins only on that interface, and sends only through it. On loopback the TTL is 1
 * as well, so that a packet could not be routed on even if it strayed.
 */
export function multicastOptions(network: MdnsNetwork = {}): Record<string, unknown> {
  const port = network.port ?? MDNS_PORT;
  if (!network.interface) return { port };
  const loopback = network.interface.startsWith('127.');
  return { port, interface: network.interface, bind: MDNS_GROUP, loopback: true, ...(loopback ? { ttl: 1 } : {}) };
}
