import type { Socket } from 'node:net';
import type { Server } from 'node:https';
import { LRUCache } from 'lru-cache';

/** Wrong keys an address may send in a minute; then it gets 429 for the rest of that minute, whatever it sends. */
export const WRONG_KEYS_PER_MINUTE = 10;
const MINUTE_MS = 60_000;
/** Addresses remembered at once: past this the oldest is forgotten (its count starts again). */
const ADDRESSES_MAX = 100_000;

/** Failed API keys per address, in fixed one-minute windows. */
export class WrongKeys {
  private readonly byAddress = new LRUCache<string, { count: number; until: number }>({ max: ADDRESSES_MAX, ttl: MINUTE_MS });

  constructor(private readonly now: () => number = Date.now) {}

  /** Seconds to wait when `address` is locked out, else undefined. */
  lockedFor(address: string): number | undefined {
    const entry = this.byAddress.get(address);
    if (!entry || entry.count < WRONG_KEYS_PER_MINUTE) return undefined;
    return Math.max(1, Math.ceil((entry.until - this.now()) / 1000));
  }

  failed(address: string): void {
    const entry = this.byAddress.get(address);
    if (entry) entry.count += 1;
    else this.byAddress.set(address, { count: 1, until: this.now() + MINUTE_MS });
  }
}

export interface ConnectionLimits {
  /** Open connections in all, and from one address. */
  maxConnections: number;
  maxConnectionsPerAddress: number;
  /** Request headers, then the whole request (headers and body), must arrive within these. */
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** An idle kept-alive connection is closed after this. */
  idleTimeoutMs: number;
}

/**
 * A server that holds: a cap on connections in all and per address (a file descriptor each: a flood of
 * idle or trickling clients must not starve the real POS), header, body and idle timeouts.
 * @NOTE Checked on the TCP connection, before the TLS handshake costs anything.
 */
export function holdUnderAbuse(server: Server, limits: ConnectionLimits): void {
  server.maxConnections = limits.maxConnections;
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.headersTimeoutMs + limits.bodyTimeoutMs;
  server.keepAliveTimeout = limits.idleTimeoutMs;
  const perAddress = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = (perAddress.get(address) ?? 0) + 1;
    if (count > limits.maxConnectionsPerAddress) return void socket.destroy();
    perAddress.set(address, count);
    socket.once('close', () => {
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left > 0) perAddress.set(address, left);
      else perAddress.delete(address);
    });
  });
}
