import { DEFAULT_PORT, endpointFrom } from './address';
import { CertificateChangedError, EposdApiError } from './errors';
import { normalizeFingerprint } from './fingerprint';
import { addressOf, apiPathOf, relayHeadersOf, type PairedTerminal, type TerminalStore } from './store';
import { connectPinned, send, type Endpoint, type TransportOptions } from './transport';
import type { PairingAnswer, Problem } from './types';

export const BASE_PATH = '/payntpos/1.0.0';
export { DEFAULT_PORT };
const PAIR_TIMEOUT_MS = 15_000;

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
   * POS platform's key at the gateway. The key pinned (and `expectedFingerprint`) is the gateway's.
   */
  relay?: { tid: string; apiKey?: string };
}

/** The terminal at `host:port`, its key's fingerprint, without sending anything: to show before pairing. */
export async function probeFingerprint(endpoint: Endpoint): Promise<string> {
  let presented = '';
  const socket = await connectPinned(endpoint, (fp) => void (presented = fp));
  socket.destroy();
  return presented;
}

export function problemOf(status: number, body: unknown): Problem {
  if (body && typeof body === 'object' && typeof (body as Problem).code === 'string') return body as Problem;
  return { status, code: `HTTP_${status}`, title: typeof body === 'string' && body ? body.slice(0, 200) : `HTTP ${status}` };
}

/**
 * Pairs with a terminal, trusting its key on first use: the fingerprint the connection presented must
 * be the one the terminal states in its answer, then it is pinned beside the token.
 */
export async function pairWith(store: TerminalStore, options: PairOptions, transport: TransportOptions = {}): Promise<PairedTerminal> {
  const endpoint = endpointFrom(options.host, options.port);
  const relay = options.relay ? { apiKey: options.relay.apiKey } : undefined;
  const address = addressOf({ ...endpoint, tid: options.relay?.tid, relay });
  const expected = options.expectedFingerprint === undefined ? undefined : normalizeFingerprint(options.expectedFingerprint);
  const pinned = options.acceptNewKey ? undefined : store.pinFor(endpoint.host, endpoint.port, options.relay?.tid);
  let presented = '';
  const check = (fp: string) => {
    presented = fp;
    if (expected && fp !== expected) {
      throw new CertificateChangedError(address, expected, fp, `The terminal at ${address} presented key ${fp}, not the ${expected} you expected. The code was not sent.`);
    }
    if (!expected && pinned && fp !== pinned) throw new CertificateChangedError(address, pinned, fp);
  };
  const body = { pairingCode: options.code, registerId: options.registerId, registerName: options.registerName, callbackUrl: options.callbackUrl };
  const path = `${options.relay ? apiPathOf({ tid: options.relay.tid, relay }, BASE_PATH) : BASE_PATH}/pair`;
  const res = await send(endpoint, check, { method: 'POST', path, headers: relayHeadersOf({ relay }), body, timeoutMs: PAIR_TIMEOUT_MS }, transport);
  if (res.status !== 200) throw new EposdApiError(problemOf(res.status, res.body));
  const answer = res.body as PairingAnswer;
  if (options.relay && answer.tid !== options.relay.tid) throw new EposdApiError(problemOf(502, `The gateway answered for terminal ${answer.tid}, not ${options.relay.tid}. Nothing was stored.`));
  // Through a relay the connection is the gateway's: the terminal's own key is not the one presented.
  if (!options.relay && normalizeFingerprint(answer.certificateFingerprint) !== presented) {
    throw new CertificateChangedError(
      address,
      answer.certificateFingerprint,
      presented,
      `The terminal at ${address} says its key is ${answer.certificateFingerprint} but the connection presented ${presented}: something is in between. Nothing was stored.`,
    );
  }
  const terminal: PairedTerminal = {
    host: endpoint.host,
    port: endpoint.port,
    tid: answer.tid,
    serialNumber: answer.serialNumber,
    registerId: answer.registerId,
    authToken: answer.authToken,
    fingerprint: presented,
    pairedAt: new Date().toISOString(),
    ...(answer.webhookSecret ? { webhookSecret: answer.webhookSecret } : {}),
    ...(relay ? { relay } : {}),
  };
  store.save(terminal);
  return terminal;
}
