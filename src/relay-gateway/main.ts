#!/usr/bin/env node
import { hostname } from 'node:os';
import { loadOrCreateCertificate, spkiFingerprint } from '../tls/certificate';
import { createLogger } from '../shared/logger';
import { addBrokerUser, ADD_USER_FLAG, EMBEDDED_BROKER_FLAG, EMBEDDED_VARIABLES, readEmbeddedSettings, startEmbedded, withEmbeddedBrokerUrl } from './embedded';
import { startGateway, type RunningGateway } from './gateway';
import { gatewayHelp, GatewaySettingsError, readGatewaySettings, type GatewaySettings } from './settings';

// The `eposd-relay` command: reads its environment, makes or loads its HTTPS certificate, connects to
// the broker, prints `eposd-relay ready url=… fingerprint=…` and stops on SIGTERM or SIGINT (docs/relay.md).

const FLAGS = ['--open', '--print-fingerprint', EMBEDDED_BROKER_FLAG, '--help', '-h'];

/** The gateway's HTTPS key and certificate: the files given, or one made (and kept) in RELAY_CERT_DIR. */
async function certificateOf(settings: GatewaySettings): Promise<{ key: string; cert: string; fingerprint: string }> {
  if (settings.tlsKey !== undefined && settings.tlsCert !== undefined) return { key: settings.tlsKey, cert: settings.tlsCert, fingerprint: spkiFingerprint(settings.tlsCert) };
  return loadOrCreateCertificate(settings.certDir, ['localhost', '127.0.0.1', '::1', hostname()]);
}

export async function main(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv.slice(2)): Promise<RunningGateway | undefined> {
  const unknown = argv.filter((a) => !FLAGS.includes(a));
  if (unknown.length > 0) throw new GatewaySettingsError(`unknown argument ${unknown.join(' ')} (eposd-relay --help lists the settings)`);
  const embedded = argv.includes(EMBEDDED_BROKER_FLAG) ? readEmbeddedSettings(env) : undefined;
  const settings = readGatewaySettings(embedded ? withEmbeddedBrokerUrl(env) : env, argv);
  const own = await certificateOf(settings);
  if (argv.includes('--print-fingerprint')) {
    process.stdout.write(`${own.fingerprint}\n`);
    return undefined;
  }
  const logger = createLogger(env.RELAY_LOG_LEVEL ?? 'info');
  const broker = embedded && (await startEmbedded(embedded, { ...settings, ...own }, logger));
  const gateway = await startGateway({ ...settings, ...broker?.connection, key: own.key, cert: own.cert }, logger).catch(async (err: unknown) => {
    await broker?.broker.close();
    throw err;
  });
  process.stdout.write(`eposd-relay ready url=${gateway.url} instance=${gateway.instance}${broker ? ` broker=${broker.broker.url}` : ''} fingerprint=${own.fingerprint}\n`);
  if (!broker) return gateway;
  return { ...gateway, stop: () => gateway.stop().then(() => broker.broker.close()) };
}

if (require.main === module) {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    const embeddedHelp = Object.entries(EMBEDDED_VARIABLES).map(([name, what]) => `  ${name.padEnd(24)} ${what}`);
    process.stdout.write(
      `Usage: eposd-relay [--open] [--print-fingerprint] [${EMBEDDED_BROKER_FLAG}]\n       eposd-relay ${ADD_USER_FLAG} <user>\n\n  --open                   run without API keys: anyone who reaches the gateway may use it\n  --print-fingerprint      print the SHA-256 fingerprint of the gateway's HTTPS key and exit\n  ${EMBEDDED_BROKER_FLAG.padEnd(24)} run the MQTT broker inside the gateway (a laptop, one shop)\n  ${ADD_USER_FLAG} <user>  add a user to the embedded broker's password file and print its password\n\nSet by environment variables:\n\n${gatewayHelp()}\n  RELAY_LOG_LEVEL          log level (default info)\n${embeddedHelp.join('\n')}\n`,
    );
    process.exit(0);
  }
  if (process.argv[2] === ADD_USER_FLAG) {
    try {
      process.stdout.write(`${addBrokerUser(process.env, process.argv[3])}\n`);
      process.exit(0);
    } catch (err) {
      process.stderr.write(`eposd-relay: ${(err as Error).message}\n`);
      process.exit(2);
    }
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
