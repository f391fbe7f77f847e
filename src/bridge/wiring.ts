import type { Config } from '../config/config';
import { ConfigError } from '../config/config';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { VERSION } from '../shared/version';
import type { Ledger } from '../transactions/ledger';
import type { TransactionsRepository } from '../transactions/transactions.repository';
import { tcpConnector, unixConnector, type Connector } from './link';
import { PaymentApp, type PaymentAppDeps } from './payment-app';
import type { TransitionEvent } from '../transactions/engine';

/** EPOSD_DRIVER=bridge from the configuration: one of the socket, the TCP port (with its secret) or the host app's channel. */
export function createPaymentApp(
  config: Config,
  deps: {
    connect?: Connector;
    transactions: TransactionsRepository;
    ledger: Ledger;
    clock: Clock;
    logger: Logger;
    audit: PaymentAppDeps['audit'];
    trail: PaymentAppDeps['trail'];
    late: { busyWith(): string | undefined; reverseLater(): void; announce(e: TransitionEvent): void };
  },
): PaymentApp {
  const { bridgeSocket, bridgePort, bridgeSecret } = config;
  const problems: string[] = [];
  if (!deps.connect && bridgeSocket === undefined && bridgePort === undefined) problems.push('EPOSD_DRIVER=bridge needs EPOSD_BRIDGE_SOCKET, or EPOSD_BRIDGE_PORT with EPOSD_BRIDGE_SECRET');
  if (bridgeSocket !== undefined && bridgePort !== undefined) problems.push('EPOSD_BRIDGE_SOCKET and EPOSD_BRIDGE_PORT: give one of them');
  if (bridgePort !== undefined && bridgeSecret === undefined) problems.push('EPOSD_BRIDGE_PORT needs EPOSD_BRIDGE_SECRET: anything on the device can open a loopback port');
  if (problems.length > 0) throw new ConfigError(problems);
  const connect = deps.connect ?? (bridgeSocket !== undefined ? unixConnector(bridgeSocket) : tcpConnector(bridgePort!));
  return new PaymentApp({
    connect,
    // Over TCP the secret is required; with a socket, when one is given, it is proved there too.
    secret: bridgeSecret,
    version: VERSION,
    graceMs: config.bridgeGraceMs,
    hostTimeoutMs: config.hostTimeoutMs,
    replyTimeoutMs: config.bridgeTimeoutMs,
    audit: deps.audit,
    trail: deps.trail,
    transactions: deps.transactions,
    ledger: deps.ledger,
    clock: deps.clock,
    logger: deps.logger,
    busyWith: () => deps.late.busyWith(),
    reverseLater: () => deps.late.reverseLater(),
    announce: (e) => deps.late.announce(e),
  });
}
