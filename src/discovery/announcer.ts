import type { Logger } from '../shared/logger';
import type { MdnsNetwork } from './mdns-network';
import { openBonjour, SERVICE_TYPE, type TerminalTxt } from './service';

export interface AnnouncedTerminal {
  tid: string;
  serialNumber: string;
  fingerprint: string;
  apiPort: number;
  basePath: string;
  version: string;
}

export interface Announcer {
  /** Says goodbye on the network (TTL 0) and closes the socket. */
  stop(): Promise<void>;
}

const GOODBYE_TIMEOUT_MS = 1_000;

/**
 * Announces the terminal as `_eposd._tcp` over mDNS/DNS-SD, with its TID, serial, key fingerprint,
 * base path and version in the TXT record, and answers queries for it until stopped.
 */
export function startAnnouncer(terminal: AnnouncedTerminal, options: { network?: MdnsNetwork; logger: Logger }): Announcer {
  const { logger } = options;
  const bonjour = openBonjour(options.network, (err) => logger.warn({ err }, 'mDNS announcement failed'));
  const txt: TerminalTxt = { tid: terminal.tid, serial: terminal.serialNumber, fp: terminal.fingerprint, path: terminal.basePath, version: terminal.version };
  // No probe: the name carries the serial, unique per device, and bonjour-service reports a clash by
  // console.log, which would break the rule that stdout only carries the ready and [screen] lines.
  const service = bonjour.publish({ name: `eposd-${terminal.serialNumber}`, type: SERVICE_TYPE, protocol: 'tcp', port: terminal.apiPort, txt, probe: false });
  service.once('up', () => logger.info({ name: service.fqdn, port: terminal.apiPort }, 'announced over mDNS'));
  let stopped: Promise<void> | undefined;
  return {
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        const done = () => bonjour.destroy(() => resolve());
        const timer = setTimeout(done, GOODBYE_TIMEOUT_MS).unref();
        bonjour.unpublishAll(() => {
          clearTimeout(timer);
          done();
        });
      })),
  };
}
