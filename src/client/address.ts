import { isIP } from 'node:net';
import { EposdClientError } from './errors';

/** The API port of a terminal whose address names none. */
export const DEFAULT_PORT = 8443;

export interface ParsedAddress {
  host: string;
  /** Absent when the text names no port. */
  port?: number;
}

/**
 * A terminal's address as people write it: `192.168.1.50`, `192.168.1.50:8443`, `till.local:9443`,
 * `::1`, `[::1]:8443`, or the API's URL (`https://192.168.1.50:8443/payntpos/1.0.0`). Answers
 * undefined for anything else.
 */
export function parseAddress(text: string): ParsedAddress | undefined {
  const s = text.trim();
  if (/^https?:\/\//i.test(s)) {
    try {
      const url = new URL(s);
      return parseAddress(url.port ? `${url.hostname}:${url.port}` : url.hostname);
    } catch {
      return undefined;
    }
  }
  if (isIP(s) === 6) return { host: s };
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+))(?::(\d{1,5}))?$/.exec(s);
  if (!m) return undefined;
  const host = m[1] ?? m[2]!;
  if (m[1] !== undefined && isIP(host) !== 6) return undefined;
  if (m[3] === undefined) return { host };
  const port = Number(m[3]);
  return port >= 1 && port <= 65535 ? { host, port } : undefined;
}

/**
 * The endpoint named by `host` (which may carry its port, as `host:port`) and `port`. A port in both
 * places must be the same one.
 */
export function endpointFrom(host: string, port?: number): { host: string; port: number } {
  const parsed = parseAddress(host);
  if (!parsed) throw new EposdClientError(`"${host}" is not a terminal address: give its IP address or name, optionally with its port (192.168.1.50 or 192.168.1.50:8443).`);
  if (parsed.port !== undefined && port !== undefined && parsed.port !== port) {
    throw new EposdClientError(`The address ${host} names port ${parsed.port} but the port given is ${port}: give one.`);
  }
  return { host: parsed.host, port: parsed.port ?? port ?? DEFAULT_PORT };
}
