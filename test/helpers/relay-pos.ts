import { generateKeyPairSync } from 'node:crypto';
import { BASE_PATH } from '../../src/app';
import type { AppContext } from '../../src/context';
import type { RelayAnswer, RelayRequest } from '../../src/relay/protocol';
import type { RelayHandler } from '../../src/relay/relay-handler';
import { terminalRelayHandler } from '../../src/relay/start';
import { PAIR_FINISH_PATH, PAIR_START_PATH, PosPairing } from '../../src/relay-trust/pairing';
import { newPosKey } from '../../src/relay-trust/signatures';
import { RelaySigner } from '../../src/client/relay';

// A POS speaking the relay's trust protocol straight to a terminal's relay handler (no broker, no
// gateway): the client library's own signer and the protocol's own pairing, on relayed envelopes.

/** A P-256 key as a terminal's certificate has, in PEM. */
export const terminalKeyPem = (): string => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

export function relayOf(ctx: AppContext, plainTokens = false): RelayHandler {
  return terminalRelayHandler(ctx, { relayPlainTokens: plainTokens }, terminalKeyPem());
}

export const send = (relay: RelayHandler, request: RelayRequest, origin = 'relay:192.0.2.9'): Promise<RelayAnswer> => relay(request, origin).answer;
export const json = (a: RelayAnswer) => JSON.parse(a.body) as Record<string, unknown>;
export const headerOf = (a: RelayAnswer, name: string) => {
  for (let i = 0; i + 1 < a.headers.length; i += 2) if (a.headers[i]!.toLowerCase() === name) return a.headers[i + 1];
  return undefined;
};

const post = (path: string, body: unknown): RelayRequest => ({ method: 'POST', url: `${BASE_PATH}${path}`, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

export interface RelayPos {
  signer: RelaySigner;
  registerId: string;
  terminalKey: string;
  answer: Record<string, unknown>;
  /** A signed envelope for this POS; `body` is sent as JSON. */
  request(method: string, path: string, body?: unknown): RelayRequest;
}

/** Pairs a POS through `relay` with `code`, as the client library does. */
/** `terminalNow`: the terminal's clock (a test's manual clock), which the POS's signatures follow. */
export async function pairThroughRelay(relay: RelayHandler, code: string, tid: string, terminalNow = Date.now(), registerId = 'cloud-1'): Promise<RelayPos> {
  const pairing = new PosPairing(code, tid);
  const started = await send(relay, post(PAIR_START_PATH, pairing.startRequest()));
  if (started.status !== 200) throw new Error(`pair start answered ${started.status} ${started.body}`);
  const { terminalKey } = pairing.accept(json(started));
  const pos = newPosKey();
  const finished = await send(relay, post(PAIR_FINISH_PATH, pairing.finishRequest({ registerId, relayKey: pos.publicKey })));
  if (finished.status !== 200) throw new Error(`pair finish answered ${finished.status} ${finished.body}`);
  const answer = pairing.openAnswer(json(finished));
  const key = terminalKey.toString('base64url');
  const signer = new RelaySigner(tid, registerId, { posKey: pos.privateKey, terminalKey: key });
  signer.offsetMs = terminalNow - Date.now();
  return {
    signer,
    registerId,
    terminalKey: key,
    answer,
    request(method, path, body) {
      const b = body === undefined ? undefined : JSON.stringify(body);
      const contentType = b === undefined ? '' : 'application/json';
      const u = `${BASE_PATH}${path}`;
      const { headers } = signer.sign(method, u, contentType, b ?? '', `${method} ${path}`);
      return { method, url: u, headers: { ...(b === undefined ? {} : { 'content-type': contentType }), ...headers }, body: b };
    },
  };
}
