import { DEFAULT_PORT, endpointFrom } from './address';
import { CertificateChangedError, EposdApiError } from './errors';
import { normalizeFingerprint } from './fingerprint';
import { BASE_PATH, PAIR_TIMEOUT_MS, problemOf, type PairOptions } from './pair-options';
import { pairThroughRelay } from './relay-pairing';
import { addressOf, type PairedTerminal, type TerminalStore } from './store';
import { connectPinned, send, type Endpoint, type TransportOptions } from './transport';
import type { PairingAnswer } from './types';

export { DEFAULT_PORT, BASE_PATH, problemOf, PAIR_TIMEOUT_MS, type PairOptions };

/** The terminal at `host:port`, its key's fingerprint, without sending anything: to show before pairing. */
export async function probeFingerprint(endpoint: Endpoint): Promise<string> {
  let presented = '';
  const socket = await connectPinned(endpoint, (fp) => void (presented = fp));
  socket.destroy();
  return presented;
}

/**
 * Pairs with a terminal, trusting its key on first use: the fingerprint the connection presented must
 * be the one the terminal states in its answer, then it is pinned beside the token.
 */
export async function pairWith(store: TerminalStore, options: PairOptions, transport: TransportOptions = {}): Promise<PairedTerminal> {
  if (options.relay) return pairThroughRelay(store, { ...options, relay: options.relay }, transport);
  const endpoint = endpointFrom(options.host, options.port);
  const address = addressOf(endpoint);
  const expected = options.expectedFingerprint === undefined ? undefined : normalizeFingerprint(options.expectedFingerprint);
  const pinned = options.acceptNewKey ? undefined : store.pinFor(endpoint.host, endpoint.port);
  let presented = '';
  const check = (fp: string) => {
    presented = fp;
    if (expected && fp !== expected) {
      throw new CertificateChangedError(address, expected, fp, `The terminal at ${address} presented key ${fp}, not the ${expected} you expected. The code was not sent.`);
    }
    if (!expected && pinned && fp !== pinned) throw new CertificateChangedError(address, pinned, fp);
  };
  const body = { pairingCode: options.code, registerId: options.registerId, registerName: options.registerName, callbackUrl: options.callbackUrl };
  const res = await send(endpoint, check, { method: 'POST', path: `${BASE_PATH}/pair`, body, timeoutMs: PAIR_TIMEOUT_MS }, transport);
  if (res.status !== 200) throw new EposdApiError(problemOf(res.status, res.body));
  const answer = res.body as PairingAnswer;
  if (normalizeFingerprint(answer.certificateFingerprint) !== presented) {
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
  };
  store.save(terminal);
  return terminal;
}
