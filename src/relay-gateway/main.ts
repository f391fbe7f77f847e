#!/usr/bin/env node
import { hostname } from 'node:os';
import { loadOrCreateCertificate } from '../tls/certificate';
import { createLogger } from '../shared/logger';
import { startGateway, type RunningGateway } from './gateway';
import { gatewayHelp, GatewaySettingsError, readGatewaySettings } from './settings';

// The `eposd-relay` command: reads its environment, makes or loads its HTTPS certificate, connects to
// the broker, prints `eposd-relay ready url=…` and stops on SIGTERM or SIGINT (docs/relay.md).

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<RunningGateway> {
  const settings = readGatewaySettings(env);
  const logger = createLogger(env.RELAY_LOG_LEVEL ?? 'info');
  const own =
    settings.tlsKey !== undefined && settings.tlsCert !== undefined
      ? { key: settings.tlsKey, cert: settings.tlsCert }
      : await loadOrCreateCertificate(settings.certDir, ['localhost', '127.0.0.1', '::1', hostname()]);
  const gateway = await startGateway({ ...settings, key: own.key, cert: own.cert }, logger);
  process.stdout.write(`eposd-relay ready url=${gateway.url} instance=${gateway.instance}\n`);
  return gateway;
}

if (require.main === module) {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(`Usage: eposd-relay\n\nSet by environment variables:\n\n${gatewayHelp()}\n  RELAY_LOG_LEVEL          log level (default info)\n`);
    process.exit(0);
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
