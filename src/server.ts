import { promptAnswerKey } from './prompts/answer-box';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { answerPlainHttp } from './tls/plain-http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { BASE_PATH, createApp } from './app';
import type { Config } from './config/config';
import { createContext, type AppContext } from './context';
import { cardIdentityKey } from './reader/card-identity';
import type { Connector } from './bridge/link';
import { createScreenApp } from './screen/screen.app';
import { openStorage } from './db/open-storage';
import { StorageWitness } from './db/witness';
import { loadTerminalCertificate } from './identity/terminal-key';
import { tlsOptions } from './tls/options';
import type { Logger } from './shared/logger';
import { lanAddresses } from './shared/network';
import { VERSION } from './shared/version';
import { startAnnouncer, type Announcer } from './discovery/announcer';
import type { MdnsNetwork } from './discovery/mdns-network';
import { brokerSettings, startRelay } from './relay/start';
import type { ReadinessState } from './bridge/readiness';

// The terminal's start and stop, shared by the command (main.ts: environment, flags, signals, exit)
// and by a host app that runs eposd in its own process (embedded.ts). Nothing here touches the
// process: no signal, no exit, no environment, no working directory, no standard output.

const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
// Node checks the two timeouts above only this often (30 s by default), so a client trickling its
// headers was held for up to 40 s; and a TLS handshake that never finishes would be held for 120 s.
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;
const HANDSHAKE_TIMEOUT_MS = 10_000;
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
const SHUTDOWN_GRACE_MS = 5_000;

/** Listens; a port in use is said in the words the installer needs (the one line a second `npm start` prints). */
function listen(server: Server, port: number, host: string, setting: string): Promise<number> {
  return new Promise((resolveListen, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? Object.assign(new Error(`port ${port} on ${host} is in use: another eposd (a second npm start?) or another program listens there. Stop it, or choose another port with ${setting}`), {
              code: err.code,
            })
          : err,
      ),
    );
    server.listen(port, host, () => resolveListen((server.address() as AddressInfo).port));
  });
}

function urlHost(host: string): string {
  const shown = host === '0.0.0.0' || host === '::' ? (lanAddresses().find((a) => !a.includes(':')) ?? 'localhost') : host;
  return shown.includes(':') ? `[${shown}]` : shown;
}

/** What the `eposd ready` line says: where the API and the screen are, and who the terminal is. */
export interface Ready {
  apiUrl: string;
  screenUrl: string;
  tid: string;
  fingerprint: string;
  /** EPOSD_DRIVER=bridge: READY when payments can be taken, else why not (docs/bridge.md, "Readiness"). */
  paymentApp?: ReadinessState;
}

export interface ServerOptions {
  logger: Logger;
  /** Where `[screen]` lines go (standard output by default). */
  screenOut?: (line: string) => void;
  /** Make a missing or stale certificate in this process, not in a child (src/tls/certificate.ts). */
  inProcessCertificate?: boolean;
  /** EPOSD_DRIVER=bridge over the host app's in-process channel (src/embedded.ts). */
  bridgeConnector?: Connector;
  /** Where mDNS may go when config.mdns is on. Default: every interface; tests pass loopback only. */
  mdnsNetwork?: MdnsNetwork;
}

export interface RunningServer {
  ctx: AppContext;
  ready: Ready;
  /** Stops taking requests, gives open ones SHUTDOWN_GRACE_MS, stops the terminal's work, closes the database. */
  stop: () => Promise<void>;
}

/** Opens the database, loads the certificate, recovers, and resolves once both servers listen. */
export async function startServer(config: Config, options: ServerOptions): Promise<RunningServer> {
  const { logger } = options;
  const addresses = lanAddresses();
  const notes: string[] = [];
  const witness = new StorageWitness(config.certDir);
  const storageFile = join(config.dataDir, 'eposd.db');
  const { db, damage, record, pairings } = openStorage(storageFile, witness, { acceptNewIdentity: config.acceptNewIdentity, notes });
  const closeAll = () => {
    db.close();
    if (pairings?.open) pairings.close();
  };
  const certificate = await loadTerminalCertificate(config, pairings ?? db, ['localhost', '127.0.0.1', '::1', ...addresses], { inProcess: options.inProcessCertificate }).catch((err: unknown) => {
    db.close();
    throw err;
  });
  const ports = { api: config.port, screen: config.screenPort };
  try {
    brokerSettings(config);
  } catch (err) {
    db.close();
    throw err;
  }
  let ctx: AppContext;
  try {
    ctx = createContext(config, certificate.fingerprint, {
      db,
      logger,
      addresses,
      screenOut: options.screenOut,
      certificateNotAfter: certificate.notAfter,
      ports: () => ports,
      notes: [...notes, ...certificate.notes],
      bridgeConnector: options.bridgeConnector,
      storageFile,
      storageDamage: damage,
      witness: { witness, record },
      pairingsDb: pairings,
      cardKey: cardIdentityKey(certificate.key),
      promptKey: promptAnswerKey(certificate.key),
    });
  } catch (err) {
    // A refused identity (EPOSD_TID): a host app's process goes on, and may start again on the same file.
    closeAll();
    throw err;
  }

  const api = createHttpsServer(
    {
      ...tlsOptions(certificate.key, certificate.cert),
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    },
    createApp(ctx),
  );
  answerPlainHttp(api, BASE_PATH);
  api.headersTimeout = HEADERS_TIMEOUT_MS;
  api.requestTimeout = REQUEST_TIMEOUT_MS;
  api.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // @NOTE The screen stands for physical access to the device: loopback only, never configurable.
  const screen = createHttpServer(createScreenApp(ctx));

  let apiPort: number;
  let screenPort: number;
  try {
    ctx.start();
    apiPort = ports.api = await listen(api, config.port, config.host, 'EPOSD_PORT');
    screenPort = ports.screen = await listen(screen, config.screenPort, '127.0.0.1', 'EPOSD_SCREEN_PORT');
  } catch (err) {
    // A port in use: the command exits, but a host app's process goes on, and may start again.
    api.close();
    screen.close();
    ctx.destroy();
    throw err;
  }
  ctx.screen.listeningOn(apiPort, config.host);
  ctx.listening();
  const relay = startRelay(ctx, config, certificate.key);
  // With the bridge, the start may wait (EPOSD_BRIDGE_WAIT_MS) for the payment app, and says whether it came.
  const paymentApp = ctx.paymentApp && (await ctx.paymentApp.readiness.whenReady(config.bridgeWaitMs));
  const ready: Ready = Object.freeze({
    apiUrl: `https://${urlHost(config.host)}:${apiPort}${BASE_PATH}`,
    screenUrl: `http://127.0.0.1:${screenPort}/`,
    tid: ctx.identity.tid,
    fingerprint: certificate.fingerprint,
    ...(paymentApp ? { paymentApp } : {}),
  });
  const identity = ctx.identity;
  const announcer: Announcer | undefined = config.mdns
    ? startAnnouncer(
        {
          tid: identity.tid,
          serialNumber: identity.serialNumber,
          fingerprint: certificate.fingerprint,
          apiPort,
          basePath: BASE_PATH,
          version: VERSION,
        },
        { network: options.mdnsNetwork, logger },
      )
    : undefined;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info('stopping');
      await announcer?.stop();
      await relay?.stop();
      const closed = Promise.all([new Promise((r) => api.close(r)), new Promise((r) => screen.close(r))]);
      api.closeIdleConnections();
      screen.closeIdleConnections();
      const grace = setTimeout(() => {
        api.closeAllConnections();
        screen.closeAllConnections();
      }, SHUTDOWN_GRACE_MS).unref();
      await closed;
      clearTimeout(grace);
      ctx.destroy();
      witness.close();
      logger.info('stopped');
      // Wait for the log to reach its destination: exiting while an asynchronous write is in flight
      // would let pino's exit hook write the last lines first, out of order.
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    })());
  return { ctx, ready, stop };
}
