import { PAIR_FINISH_PATH, PAIR_START_PATH, PosPairing, RelayPairingError } from '../relay-trust/pairing';
import { newPosKey, requestDigest, requestLines, terminalPublicKey } from '../relay-trust/signatures';
import { endpointFrom } from './address';
import { CertificateChangedError, EposdApiError, EposdClientError } from './errors';
import { normalizeFingerprint } from './fingerprint';
import { BASE_PATH, PAIR_TIMEOUT_MS, problemOf, type PairOptions } from './pair-options';
import { answerCheck, type SignedExchange } from './relay';
import { addressOf, apiPathOf, relayHeadersOf, type PairedTerminal, type TerminalStore } from './store';
import { send, type TransportOptions } from './transport';
import type { PairingAnswer } from './types';

/**
 * Pairs through an eposd-relay gateway (docs/relay.md, "Pairing through the relay"): CPace over the
 * code, so that neither the gateway nor the broker can use the code, read the token or pass for the
 * terminal. The terminal's key is proved by the code; it is compared with `expectedFingerprint`, or
 * shown to `confirmKey`, before the pairing is finished. The gateway's TLS key is pinned on first use.
 */
export async function pairThroughRelay(store: TerminalStore, options: PairOptions & { relay: NonNullable<PairOptions['relay']> }, transport: TransportOptions = {}): Promise<PairedTerminal> {
  const endpoint = endpointFrom(options.host, options.port);
  const { tid, apiKey } = options.relay;
  const view = { apiKey };
  const address = addressOf({ ...endpoint, tid, relay: view });
  const expected = options.expectedFingerprint === undefined ? undefined : normalizeFingerprint(options.expectedFingerprint);
  const wantedGateway =
    options.relay.gatewayFingerprint === undefined ? (options.acceptNewKey ? undefined : store.pinFor(endpoint.host, endpoint.port, tid)) : normalizeFingerprint(options.relay.gatewayFingerprint);
  let gateway = '';
  const check = (fp: string) => {
    gateway = fp;
    if (wantedGateway && fp !== wantedGateway) {
      throw new CertificateChangedError(address, wantedGateway, fp, `The relay gateway at ${endpoint.host}:${endpoint.port} presented key ${fp}, not ${wantedGateway} as before. Nothing was sent.`);
    }
  };
  const base = apiPathOf({ tid, relay: view }, BASE_PATH);
  const headers = relayHeadersOf({ relay: view });
  // An unsigned request's lines (no register yet): what the terminal's answer to it is bound to.
  const bound = (path: string, then: (digest: string) => SignedExchange['check']) => (contentType: string, payload: string) => {
    const digest = requestDigest(requestLines({ tid, registerId: '', method: 'POST', url: `${BASE_PATH}${path}`, contentType, body: payload, time: '', nonce: '' }));
    return { headers: {}, check: then(digest) };
  };

  const pairing = new PosPairing(options.code, tid);
  let startDigest = '';
  const started = await send(
    endpoint,
    check,
    { method: 'POST', path: `${base}${PAIR_START_PATH}`, headers, body: pairing.startRequest(), timeoutMs: PAIR_TIMEOUT_MS, sign: bound(PAIR_START_PATH, (d) => () => void (startDigest = d)) },
    transport,
  );
  if (started.status !== 200) throw new EposdApiError(problemOf(started.status, started.body));
  const proved = inWords(() => pairing.accept(started.body));
  const terminalKey = terminalPublicKey(proved.terminalKey.toString('base64url'));
  answerCheck(terminalKey, tid, startDigest, 'the pairing start')(started);
  if (expected && proved.fingerprint !== expected) {
    throw new CertificateChangedError(address, expected, proved.fingerprint, `Terminal ${tid} proved key ${proved.fingerprint} with the code, not the ${expected} you expected. Nothing was paired.`);
  }
  if (options.confirmKey && !(await options.confirmKey(proved.fingerprint))) throw new EposdClientError('Not paired: the fingerprint was not confirmed.');

  const posKey = newPosKey();
  const fields = Object.fromEntries(
    Object.entries({ registerId: options.registerId, registerName: options.registerName, callbackUrl: options.callbackUrl, relayKey: posKey.publicKey }).filter(([, v]) => v !== undefined),
  );
  const finished = await send(
    endpoint,
    check,
    {
      method: 'POST',
      path: `${base}${PAIR_FINISH_PATH}`,
      headers,
      body: pairing.finishRequest(fields),
      timeoutMs: PAIR_TIMEOUT_MS,
      sign: bound(PAIR_FINISH_PATH, (d) => answerCheck(terminalKey, tid, d, 'the pairing')),
    },
    transport,
  );
  if (finished.status !== 200) throw new EposdApiError(problemOf(finished.status, finished.body));
  const answer = inWords(() => pairing.openAnswer(finished.body)) as unknown as PairingAnswer;
  if (answer.tid !== tid || normalizeFingerprint(answer.certificateFingerprint) !== proved.fingerprint) {
    throw new EposdClientError(`The pairing answer names terminal ${answer.tid} with key ${answer.certificateFingerprint}, not the terminal ${tid} that proved the code. Nothing was stored.`);
  }
  const terminal: PairedTerminal = {
    host: endpoint.host,
    port: endpoint.port,
    tid,
    serialNumber: answer.serialNumber,
    registerId: answer.registerId,
    authToken: answer.authToken,
    fingerprint: proved.fingerprint,
    pairedAt: new Date().toISOString(),
    ...(answer.webhookSecret ? { webhookSecret: answer.webhookSecret } : {}),
    relay: { ...(apiKey ? { apiKey } : {}), gatewayFingerprint: gateway, terminalKey: proved.terminalKey.toString('base64url'), posKey: posKey.privateKey },
  };
  store.save(terminal);
  return terminal;
}

/** The protocol's refusal as this library's error: its words are already for the POS developer. */
function inWords<T>(step: () => T): T {
  try {
    return step();
  } catch (err) {
    throw err instanceof RelayPairingError ? new EposdClientError(err.message) : err;
  }
}
