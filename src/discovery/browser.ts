import { isIPv4 } from 'node:net';
import type { Service } from 'bonjour-service';
import type { MdnsNetwork } from './mdns-network';
import { openBonjour, SERVICE_TYPE } from './service';

export interface DiscoveredTerminal {
  /** The DNS-SD instance name, e.g. eposd-EPD1234. */
  name: string;
  /** The address to connect to: where the announcement came from, else the first IPv4 address announced. */
  host: string;
  port: number;
  /** Every address the terminal announced. */
  addresses: string[];
  tid?: string;
  serialNumber?: string;
  fingerprint?: string;
  basePath?: string;
  version?: string;
}

export interface BrowseOptions {
  /** How long to listen. Default 3 s. */
  timeoutMs?: number;
  network?: MdnsNetwork;
  /** Called as each terminal is heard. */
  onFound?: (terminal: DiscoveredTerminal) => void;
  /** Called with socket errors (they do not end the browse). */
  onError?: (err: Error) => void;
}

const REQUERY_MS = 1_000;

/** Listens for `_eposd._tcp` announcements for a while and answers every terminal heard. */
export function discoverTerminals(options: BrowseOptions = {}): Promise<DiscoveredTerminal[]> {
  const bonjour = openBonjour(options.network, options.onError ?? (() => undefined));
  const found = new Map<string, DiscoveredTerminal>();
  const browser = bonjour.find({ type: SERVICE_TYPE, protocol: 'tcp' });
  const record = (service: Service) => {
    const txt = (service.txt ?? {}) as Record<string, string | undefined>;
    const addresses = service.addresses ?? [];
    const terminal: DiscoveredTerminal = {
      name: service.name,
      host: service.referer?.address ?? addresses.find((a) => isIPv4(a)) ?? addresses[0] ?? service.host,
      port: service.port,
      addresses,
      tid: txt.tid,
      serialNumber: txt.serial,
      fingerprint: txt.fp,
      basePath: txt.path,
      version: txt.version,
    };
    const isNew = !found.has(service.fqdn);
    found.set(service.fqdn, terminal);
    if (isNew) options.onFound?.(terminal);
  };
  browser.on('up', record);
  browser.on('txt-update', record);
  browser.on('srv-update', record);
  const requery = setInterval(() => browser.update(), REQUERY_MS);
  return new Promise((resolve) => {
    setTimeout(() => {
      clearInterval(requery);
      browser.stop();
      bonjour.destroy(() => resolve([...found.values()]));
    }, options.timeoutMs ?? 3_000);
  });
}
