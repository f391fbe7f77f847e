import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { api, BASE_PATH, everyAnswer } from '../app';
import type { Config } from '../config/config';
import type { AppContext } from '../context';
import { recordHeaders } from '../http/headers';
import { StartupError } from '../shared/startup-error';
import { relayHandler, type AnswerWriter, type RelayHandler } from './relay-handler';
import type { BrokerSettings } from './mqtt-options';
import { TerminalRelay } from './terminal-relay';
import { trustedRelay } from './trust';

function pem(path: string | undefined, what: string): string | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new StartupError(path, `the relay's ${what} cannot be read`, 'Check EPOSD_RELAY_CERT, EPOSD_RELAY_KEY and EPOSD_RELAY_CA');
  }
}

/** EPOSD_RELAY_*: the broker to reach, with its certificate files read (StartupError when one cannot be); undefined without EPOSD_RELAY_URL. */
export function brokerSettings(config: Config): BrokerSettings | undefined {
  if (config.relayUrl === undefined) return undefined;
  return {
    url: config.relayUrl,
    username: config.relayUsername,
    password: config.relayPassword,
    cert: pem(config.relayCert, 'client certificate'),
    key: pem(config.relayKey, 'client key'),
    ca: pem(config.relayCa, 'CA certificate'),
  };
}

/** The terminal's API as the relay serves it, before the relay's trust: the same endpoints, dispatch and headers as createApp's. */
export function apiRelay(ctx: AppContext): { handle: RelayHandler; write: AnswerWriter } {
  return relayHandler({
    endpoints: api(ctx).endpoints,
    dispatch: ctx.dispatch,
    headers: recordHeaders(everyAnswer()),
    basePath: BASE_PATH,
    notFound: `There is no such endpoint. The API lives under ${BASE_PATH}.`,
    logger: ctx.logger,
  });
}

/** What the broker's requests are served by: the API behind the relay's trust (signed requests and answers, pairing by CPace). */
export function terminalRelayHandler(ctx: AppContext, config: Pick<Config, 'relayPlainTokens'>, certificateKey: string): RelayHandler {
  const terminalKey = createPrivateKey(certificateKey);
  return trustedRelay({
    tid: ctx.identity.tid,
    api: apiRelay(ctx),
    pairing: ctx.pairing,
    audit: ctx.audit,
    terminalKey,
    terminalSpki: createPublicKey(terminalKey).export({ type: 'spki', format: 'der' }),
    plainTokens: config.relayPlainTokens,
    basePath: BASE_PATH,
    now: () => ctx.clock.now().getTime(),
  });
}

/** The relay, when EPOSD_RELAY_URL is set (`broker`): the API's own endpoints, served to the broker's requests. */
export function startRelay(ctx: AppContext, config: Config, broker: BrokerSettings, certificateKey: string, overrides: Partial<ConstructorParameters<typeof TerminalRelay>[0]> = {}): TerminalRelay {
  const relay = new TerminalRelay({ tid: ctx.identity.tid, broker, handle: terminalRelayHandler(ctx, config, certificateKey), logger: ctx.logger, ...overrides });
  relay.start();
  return relay;
}
