#!/usr/bin/env node
import { hostname } from 'node:os';
import { loadOrCreateCertificate, spkiFingerprint } from '../tls/certificate';
import { createLogger } from '../shared/logger';
import { startGateway, type RunningGateway } from './gateway';
import { gatewayHelp, GatewaySettingsError, readGatewaySettings, type GatewaySettings } from './settings';

// The `eposd-relay` command: reads its environment, makes or loads its HTTPS certificate, connects to
// the broker, prints `eposd-relay ready url=… fingerprint=…` and stops on SIGTERM or SIGINT (docs/relay.md).

const FLAGS = ['--open', '--print-fingerprint', '--help', '-h'];

/** The gateway's HTTPS key and certificate: the files given, or one made (and kept) in RELAY_CERT_DIR. */
async function certificateOf(settings: GatewaySettings): Promise<{ key: string; cert: string; fingerprint: string }> {
  if (settings.tlsKey !== undefined && settings.tlsCert !== undefined) return { key: settings.tlsKey, cert: settings.tlsCert, fingerprint: spkiFingerprint(settings.tlsCert) };
  return loadOrCreateCertificate(settings.certDir, ['localhost', '127.0.0.1', '::1', hostname()]);
}

export async function main(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv.slice(2)): Promise<RunningGateway | undefined> {
  const unknown = argv.filter((a) => !FLAGS.includes(a));
  if (unknown.length > 0) throw new GatewaySettingsError(`unknown argument ${unknown.join(' ')} (eposd-relay --help lists the settings)`);
  const settings = readGatewaySettings(env, argv);
  const own = await certificateOf(settings);
  if (argv.includes('--print-fingerprint')) {
    process.stdout.write(`${own.fingerprint}\n`);
    return undefined;
  }
  const logger = createLogger(env.RELAY_LOG_LEVEL ?? 'info');
  const gateway = await startGateway({ ...settings, key: own.key, cert: own.cert }, logger);
  process.stdout.write(`eposd-relay ready url=${gateway.url} instance=${gateway.instance} fingerprint=${own.fingerprint}\n`);
  return gateway;
}

if (require.main === module) {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(
      `Usage: eposd-relay [--open] [--print-fingerprint]\n\n  --open                   run without API keys: anyone who reaches the gateway may use it\n  --print-fingerprint      print the SHA-256 fingerprint of the gateway's HTTPS key and exit\n\nSet by environment variables:\n\n${gatewayHelp()}\n  RELAY_LOG_LEVEL          log level (default info)\n`,
    );
    process.exit(0);
  }
  const started = main();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      started
        .then((g) => g?.stop())
        .then(
          () => process.exit(0),
          () => process.exit(1),
        );
    });
  }
  started.then(
    (g) => g === undefined && process.exit(0),
    (err: unknown) => {
      const message = err instanceof GatewaySettingsError || err instanceof Error ? err.message : String(err);
      process.stderr.write(`eposd-relay: could not start: ${message}\n`);
      process.exit(err instanceof GatewaySettingsError ? 2 : 1);
    },
  );
}
