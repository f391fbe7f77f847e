import type { Config } from '../config/config';
import { ConfigError } from '../config/config';
import { VERSION } from '../shared/version';
import type { OrphanDeps } from '../transactions/recovery';
import type { TransactionsRepository } from '../transactions/transactions.repository';
import { PaymentAppLink, type AppLinkDeps } from './app-link';
import { LateAnswers, type LateAnswersDeps } from './late-answers';
import { tcpConnector, unixConnector, type Connector } from './link';
import { Reconciler } from './reconcile';
import { bridgeTransactionOf } from './transaction-fields';

/** EPOSD_DRIVER=bridge from the configuration: the link over the socket, the TCP port (with its secret) or the host app's channel. */
export function createAppLink(config: Config, deps: { connect?: Connector; transactions: TransactionsRepository } & Pick<AppLinkDeps, 'logger' | 'audit'>): PaymentAppLink {
  const { bridgeSocket, bridgePort, bridgeSecret } = config;
  const problems: string[] = [];
  if (!deps.connect && bridgeSocket === undefined && bridgePort === undefined) problems.push('EPOSD_DRIVER=bridge needs EPOSD_BRIDGE_SOCKET, or EPOSD_BRIDGE_PORT with EPOSD_BRIDGE_SECRET');
  if (bridgeSocket !== undefined && bridgePort !== undefined) problems.push('EPOSD_BRIDGE_SOCKET and EPOSD_BRIDGE_PORT: give one of them');
  if (bridgePort !== undefined && bridgeSecret === undefined) problems.push('EPOSD_BRIDGE_PORT needs EPOSD_BRIDGE_SECRET: anything on the device can open a loopback port');
  if (problems.length > 0) throw new ConfigError(problems);
  const { transactions } = deps;
  return new PaymentAppLink({
    connect: deps.connect ?? (bridgeSocket !== undefined ? unixConnector(bridgeSocket) : tcpConnector(bridgePort!)),
    // Over TCP the secret is required; with a socket, when one is given, it is proved there too.
    secret: bridgeSecret,
    version: VERSION,
    graceMs: config.bridgeGraceMs,
    hostTimeoutMs: config.hostTimeoutMs,
    replyTimeoutMs: config.bridgeTimeoutMs,
    logger: deps.logger,
    audit: deps.audit,
    requestOf: (uti) => {
      const row = transactions.findByUti(uti)!;
      const original = row.originalUti ? transactions.findByUti(row.originalUti) : undefined;
      return bridgeTransactionOf(row, original?.authCode ?? null, original?.cardId ?? null);
    },
    reasonOf: (uti) => transactions.findByUti(uti)?.statusReason ?? 'POS_CANCELLED',
  });
}

/**
 * Once the payments are built: reconciliation of what a restart left in progress (reconcile.ts) and
 * what eposd does with the answers the driver does not follow (late-answers.ts). With the link, what
 * the context knows as its payment app: started, stopped and reported as one.
 */
export function wirePaymentApp(config: Config, link: PaymentAppLink, deps: Omit<OrphanDeps, 'refused'> & Pick<LateAnswersDeps, 'audit' | 'trail'>) {
  const orphans: OrphanDeps = { ...deps, refused: (uti, refusal) => link.refused(uti, refusal) };
  const reconciler = new Reconciler({ ...orphans, link, logger: deps.logger, graceMs: config.bridgeGraceMs, hostTimeoutMs: config.hostTimeoutMs });
  const late = new LateAnswers({ link, reconciler, orphans, audit: deps.audit, trail: deps.trail, logger: deps.logger });
  return {
    client: link.client,
    driver: link.driver,
    readiness: link.readiness,
    start(): void {
      late.start();
      link.client.start();
      reconciler.start();
    },
    stop(): void {
      reconciler.stop();
      late.stop();
      link.client.stop();
    },
    report() {
      const report = link.report();
      return { ...report, counters: { ...report.counters, lateApprovals: late.approvals } };
    },
  };
}

export type PaymentApp = ReturnType<typeof wirePaymentApp>;
