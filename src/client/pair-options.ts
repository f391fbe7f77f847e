import type { Problem } from './types';

// What pairing takes, on the LAN and through a relay (pairing.ts, relay-pairing.ts), and the API's path.

export const BASE_PATH = '/payntpos/1.0.0';
export const PAIR_TIMEOUT_MS = 15_000;

export interface PairOptions {
  /** The terminal's IP address or name, optionally with its port: `192.168.1.50` or `192.168.1.50:8443`. */
  host: string;
  /** Default: the port in `host`, else 8443. */
  port?: number;
  /** The 6 digits on the terminal's screen. */
  code: string;
  registerId?: string;
  registerName?: string;
  /** Where the terminal POSTs final outcomes (webhooks). */
  callbackUrl?: string;
  /**
   * The fingerprint read from the terminal's screen (or from discovery), in any usual spelling. When
   * given, the code is only sent to a terminal presenting that key.
   */
  expectedFingerprint?: string;
  /** Pair even though the terminal at this address presents a key other than the one pinned before. */
  acceptNewKey?: boolean;
  /**
   * Pair through an eposd-relay gateway: `host` is the gateway's, `tid` the terminal's, `apiKey` the
   * POS platform's key at the gateway. The code never crosses (CPace); `expectedFingerprint` is still
   * the terminal's key, and the gateway's TLS key is pinned on first use (or `gatewayFingerprint`).
   */
  relay?: { tid: string; apiKey?: string; gatewayFingerprint?: string };
  /**
   * Through a relay: called with the terminal's key fingerprint, proved by the code, before the pairing
   * is finished; answer false to stop (nothing is paired). `eposd-pos pair` asks the person here.
   */
  confirmKey?: (fingerprint: string) => Promise<boolean>;
}

export function problemOf(status: number, body: unknown): Problem {
  if (body && typeof body === 'object' && typeof (body as Problem).code === 'string') return body as Problem;
  return { status, code: `HTTP_${status}`, title: typeof body === 'string' && body ? body.slice(0, 200) : `HTTP ${status}` };
}
