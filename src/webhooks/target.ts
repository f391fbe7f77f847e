import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/*
 * Where a webhook may go. @NOTE A POS names the URL, and eposd then sends requests there from inside
 * the terminal: never to this machine's loopback, to link-local addresses (the cloud metadata service,
 * 169.254.169.254), to the unspecified or a multicast or broadcast address, nor to eposd's own ports
 * (the screen port would be a way past its loopback-only rule). The address is judged, not its
 * spelling: the URL parser reads 2130706433, 0x7f000001 and 127.1 as 127.0.0.1, and an IPv4-mapped
 * IPv6 address is judged as the IPv4 address it holds. Names are resolved and every address they give
 * is judged, at pairing and again at each delivery, which connects only to an address it has judged.
 * Private LAN addresses stay allowed: the POS is on the LAN.
 */

/** Where eposd itself listens: its ports (API, screen, the bridge's), and the addresses that reach it. */
export interface OwnEndpoints {
  ports: number[];
  addresses: string[];
}

/** A name's addresses, as the system's resolver gives them (tests give their own: no test asks real DNS). */
export type Resolve = (hostname: string) => Promise<string[]>;

export const systemResolve: Resolve = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

export interface TargetPolicy {
  own: () => OwnEndpoints;
  /** EPOSD_WEBHOOK_LOOPBACK: a laptop whose POS runs on the same machine. Off on a terminal. */
  loopbackAllowed: boolean;
  resolve: Resolve;
}

const blocks = (v4: [string, number][], v6: [string, number][]): BlockList => {
  const list = new BlockList();
  for (const [net, bits] of v4) list.addSubnet(net, bits, 'ipv4');
  for (const [net, bits] of v6) list.addSubnet(net, bits, 'ipv6');
  return list;
};

const LOOPBACK = blocks([['127.0.0.0', 8]], [['::1', 128]]);
// BlockList judges an IPv4-mapped IPv6 address (::ffff:a.b.c.d) by the IPv4 rules.
const REFUSED: [string, BlockList][] = [
  ['a link-local address', blocks([['169.254.0.0', 16]], [['fe80::', 10]])],
  // ::/96 holds :: and the deprecated IPv4-compatible addresses (::127.0.0.1).
  ['the unspecified address', blocks([['0.0.0.0', 8]], [['::', 96]])],
  [
    'a multicast or broadcast address',
    blocks(
      [
        ['224.0.0.0', 4],
        ['255.255.255.255', 32],
      ],
      [['ff00::', 8]],
    ),
  ],
];

const familyOf = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');
const isLoopbackName = (host: string) => host === 'localhost' || host.endsWith('.localhost');

/** The URL's host, as the URL parser normalised it, without brackets or a final dot, and its port. */
export function endpointOf(url: URL): { host: string; port: number } {
  return {
    host: url.hostname
      .replace(/^\[|\]$/g, '')
      .replace(/\.$/, '')
      .toLowerCase(),
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
  };
}

/** Why a webhook may not go to `address` on `port`, or undefined when it may. */
export function addressRefusal(address: string, port: number, policy: TargetPolicy): string | undefined {
  const { ports, addresses } = policy.own();
  const family = familyOf(address);
  const mine = LOOPBACK.check(address, family) || addresses.some((a) => sameAddress(a, address));
  if (mine && ports.includes(port)) return "must not point at this terminal's own ports: give the URL of your POS's webhook receiver";
  if (LOOPBACK.check(address, family) && !policy.loopbackAllowed) return 'must not point at a loopback address (this terminal itself): give an address of your POS on the LAN';
  const refused = REFUSED.find(([, list]) => list.check(address, family));
  return refused && `must not point at ${refused[0]}: give an address of your POS on the LAN`;
}

/** `b` is `a`, however written (an IPv4-mapped IPv6 address is its IPv4 address). */
function sameAddress(a: string, b: string): boolean {
  if (!isIP(a)) return false;
  const list = new BlockList();
  list.addAddress(a, familyOf(a));
  return list.check(b, familyOf(b));
}

/** Why a webhook may not go to the URL's host as written (an address, or a loopback name), or undefined: a name is judged once resolved. */
export function hostRefusal(host: string, port: number, policy: TargetPolicy): string | undefined {
  if (isIP(host)) return addressRefusal(host, port, policy);
  if (isLoopbackName(host)) return addressRefusal('127.0.0.1', port, policy);
  return undefined;
}

/** Why a webhook may not go to `url`, every address of its host resolved and judged; undefined when it may. */
export async function targetRefusal(url: URL, policy: TargetPolicy): Promise<string | undefined> {
  const { host, port } = endpointOf(url);
  const literal = hostRefusal(host, port, policy);
  if (literal || isIP(host) || isLoopbackName(host)) return literal;
  let addresses: string[];
  try {
    addresses = await policy.resolve(host);
  } catch {
    return 'names a host that could not be resolved on this terminal';
  }
  if (addresses.length === 0) return 'names a host that could not be resolved on this terminal';
  return addresses.map((a) => addressRefusal(a, port, policy)).find((why) => why !== undefined);
}
