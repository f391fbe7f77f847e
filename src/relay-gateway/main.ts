#!/usr/bin/env node
import { hostname } from 'node:os';
import { loadOrCreateCertificate } from '../tls/certificate';
import { createLogger } from '../shared/logger';
import { addBrokerUser, ADD_USER_FLAG, EMBEDDED_BROKER_FLAG, EMBEDDED_VARIABLES, readEmbeddedSettings, startEmbedded, withEmbeddedBrokerUrl } from './embedded';
import { startGateway, type RunningGateway } from './gateway';
import { gatewayHelp, GatewaySettingsError, readGatewaySettings } from './settings';

// The `eposd-relay` command: reads its environment, makes or loads its HTTPS certificate, connects to
// the broker, prints `eposd-relay ready url=…` and stops on SIGTERM or SIGINT (docs/relay.md).

export async function main(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv.slice(2)): Promise<RunningGateway> {
  const embedded = argv.includes(EMBEDDED_BROKER_FLAG) ? readEmbeddedSettings(env) : undefined;
  const settings = readGatewaySettings(embedded ? withEmbeddedBrokerUrl(env) : env);
  const logger = createLogger(env.RELAY_LOG_LEVEL ?? 'info');
  const own =
    settings.tlsKey !== undefined && settings.tlsCert !== undefined
      ? { key: settings.tlsKey, cert: settings.tlsCert }
      : await loadOrCreateCertificate(settings.certDir, ['localhost', '127.0.0.1', '::1', hostname()]);
  const broker = embedded && (await startEmbedded(embedded, { ...settings, ...own }, logger));
  const gateway = await startGateway({ ...settings, ...broker?.connection, key: own.key, cert: own.cert }, logger).catch(async (err: unknown) => {
    await broker?.broker.close();
    throw err;
  });
  process.stdout.write(`eposd-relay ready url=${gateway.url} instance=${gateway.instance}${broker ? ` broker=${broker.broker.url}` : ''}\n`);
  if (!broker) return gateway;
  return { ...gateway, stop: () => gateway.stop().then(() => broker.broker.close()) };
}

if (require.main === module) {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    const embeddedHelp = Object.entries(EMBEDDED_VARIABLES).map(([name, what]) => `  ${name.padEnd(24)} ${what}`);
    process.stdout.write(
      `Usage: eposd-relay [${EMBEDDED_BROKER_FLAG}]\n       eposd-relay ${ADD_USER_FLAG} <user>\n\nSet by environment variables:\n\n${gatewayHelp()}\n  RELAY_LOG_LEVEL          log level (default info)\n${embeddedHelp.join('\n')}\n`,
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
        .then((g) => g.stop())
        .then(
          () => process.exit(0),
          () => process.exit(1),
        );
    });
  }
  started.catch((err: unknown) => {
    const message = err instanceof GatewaySettingsError || err instanceof Error ? err.message : String(err);
    process.stderr.write(`eposd-relay: could not start: ${message}\n`);
    process.exit(err instanceof GatewaySettingsError ? 2 : 1);
  });
}
