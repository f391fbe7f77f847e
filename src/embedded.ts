import { isAbsolute } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { ConfigError, configFromSettings, type Config, type Settings } from './config/config';
import { createLogger, type LogDestination } from './shared/logger';
import { startServer, type Ready } from './server';
import type { InProcessChannel } from './bridge/link';

// eposd inside a host app's own process (nodejs-mobile on an Android terminal, docs/android.md):
//
//   const eposd = await require('eposd/dist/embedded').start({ dataDir, certDir, port: 8443 });
//   eposd.ready.apiUrl; … await eposd.stop();
//
// Everything comes from `options`: no environment, no argv, no working directory, no temporary
// directory, no child process (the certificate is made in this process), no signal handler, no
// process.exit. Failures reject the promise; the host decides what to do with its process.

export type { Ready } from './server';
export type { LogDestination } from './shared/logger';
export { InProcessChannel, type Link } from './bridge/link';

export interface EmbeddedOptions extends Settings {
  /** Absolute: where the database lives (EPOSD_DATA_DIR). */
  dataDir: string;
  /** Absolute: where the key and the certificate live (EPOSD_CERT_DIR). */
  certDir: string;
  /** Where the JSON log lines go, one per write (default: standard error). */
  log?: LogDestination;
  /** Where the `[screen]` lines go (default: the log, at info). */
  screenOut?: (line: string) => void;
  /** Set `--optimize-for-size` in-process when Node was started without heap flags (default true; `inProcessV8Flags`). */
  v8Flags?: boolean;
  /**
   * With `driver: 'bridge'`: the host app's payment app in this same process (docs/bridge.md, "In-process
   * channel"). The host app calls `bridgeChannel.accept(link => …)` and speaks the protocol's lines on `link`.
   */
  bridgeChannel?: InProcessChannel;
}

export interface Embedded {
  /** What the `eposd ready` line of the command says. */
  ready: Ready;
  /** Drains as SIGTERM does: no new requests, open ones get 5 s, the database is closed. Resolves when done. */
  stop(): Promise<void>;
}

/**
 * The V8 flags an embedded start sets in-process, given Node's own arguments. A host that passed
 * heap flags (npm start's `--max-semi-space-size=1 --max-old-space-size=256`, or `--optimize-for-size`)
 * sized the heap itself: nothing is added. Otherwise `--optimize-for-size`: heap limits cannot be set
 * once Node runs, and that flag, set in a process already running, still does three quarters of what
 * it does as Node's argument (docs/android.md, "Memory").
 */
export function inProcessV8Flags(execArgv: readonly string[]): string[] {
  const sized = execArgv.some((a) => a === '--optimize-for-size' || a.startsWith('--max-semi-space-size'));
  return sized ? [] : ['--optimize-for-size'];
}

const PATHS = ['dataDir', 'certDir', 'simHostJournal'] as const;
/** Data directories of the terminals running in this process: two on one database would fight over it. */
const running = new Set<string>();

/** Resolves once eposd listens; rejects with what is wrong (ConfigError, or the file that stopped the start). */
export async function start(options: EmbeddedOptions): Promise<Embedded> {
  if (typeof options !== 'object' || options === null) throw new ConfigError(['options must be an object with at least dataDir and certDir']);
  const { log, screenOut, v8Flags = true, bridgeChannel, ...settings } = options;
  const problems = PATHS.filter((k) => k !== 'simHostJournal' || settings[k] !== undefined)
    .filter((k) => typeof settings[k] !== 'string' || !isAbsolute(settings[k]))
    .map((k) => `${k} must be an absolute path (nothing is taken from the working directory), got ${JSON.stringify(settings[k]) ?? 'nothing'}`);
  let config: Config | undefined;
  try {
    config = configFromSettings(settings);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  if (!config || problems.length > 0) throw new ConfigError(problems);
  if (running.has(config.dataDir)) throw new ConfigError([`dataDir ${config.dataDir} is already in use by an eposd started in this process`]);
  if (v8Flags) for (const flag of inProcessV8Flags(process.execArgv)) setFlagsFromString(flag);
  const logger = createLogger(config.logLevel, false, log);
  running.add(config.dataDir);
  try {
    const server = await startServer(config, {
      logger,
      screenOut: screenOut ?? ((line) => logger.info(line)),
      inProcessCertificate: true,
      bridgeConnector: bridgeChannel?.connector,
    });
    logger.info(server.ready, 'eposd ready');
    let stopped: Promise<void> | undefined;
    const stop = () => (stopped ??= server.stop().finally(() => running.delete(config.dataDir)));
    return { ready: server.ready, stop };
  } catch (err) {
    running.delete(config.dataDir);
    logger.fatal({ err }, 'could not start');
    throw err;
  }
}
