import { ConfigError, configHelp, loadConfig, type Config } from './config/config';
import { unknownVariableWarnings } from './config/unknown-variables';
import { createLogger } from './shared/logger';
import { startServer, type Ready, type RunningServer, type ServerOptions } from './server';

// The command: reads the environment and the flags, starts the terminal (server.ts), prints the
// `eposd ready` line, and stops on SIGTERM or SIGINT. A host app that runs eposd in its own process
// uses embedded.ts instead.

export const readyLine = (r: Ready) => `eposd ready api=${r.apiUrl} screen=${r.screenUrl} tid=${r.tid} fingerprint=${r.fingerprint}${r.paymentApp ? ` paymentApp=${r.paymentApp}` : ''}\n`;

/**
 * Starts the terminal as the command does: logs on stderr, the certificate made in a child process
 * (its X.509 libraries are gone with it: some 4 MB less for as long as eposd runs), the ready line on stdout.
 */
export async function start(config: Config, options: Partial<ServerOptions> = {}): Promise<RunningServer> {
  const running = await startServer(config, { logger: createLogger(config.logLevel), ...options });
  process.stdout.write(readyLine(running.ready));
  return running;
}

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(`Usage: eposd [options]\n\nEvery option can also be set by its environment variable.\n\n${configHelp()}\n`);
    return;
  }
  let config: Config;
  try {
    config = loadConfig(process.env, process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`eposd: ${err.message}\n`);
    process.exit(2);
  }
  for (const warning of unknownVariableWarnings(process.env)) process.stderr.write(`eposd: warning: ${warning}\n`);
  // Handlers first: a signal that arrives while starting still stops cleanly, once started.
  const started = start(config);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      started
        .then(({ stop }) => stop())
        .then(
          () => process.exit(0),
          () => process.exit(1),
        );
    });
  }
  await started;
}

/** The command as a program runs it: a start that fails is said on stderr, with exit code 1. The bundle's loader calls it. */
export function run(): void {
  main().catch((err: unknown) => {
    process.stderr.write(`eposd: could not start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}

if (require.main === module) run();
