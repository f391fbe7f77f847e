import { EventEmitter } from 'node:events';
import type { Who } from '../audit/audit.service';
import type { Logger } from '../shared/logger';
import type { Refusal } from '../transactions/answer-rule';
import { BridgeClient } from './client';
import { BridgeDriver } from './driver';
import type { Connector } from './link';
import type { BridgeTransaction, PaymentResult } from './protocol';
import { askApp, type Status } from './queries';
import { Readiness, unavailable } from './readiness';

/** How often a transaction the app still has in progress is asked about again (the driver's re-asks, reconciliation). */
export const REASK_MS = 250;

/** Who the audit trail names for what the payment app said. */
export const APP: Who = { actor: 'payment-app', role: 'system', origin: 'bridge' };

export interface AppLinkDeps {
  connect: Connector;
  secret?: string;
  version: string;
  graceMs: number;
  hostTimeoutMs: number;
  /** How long any request waits for the app's reply (EPOSD_BRIDGE_TIMEOUT_MS). */
  replyTimeoutMs: number;
  logger: Logger;
  audit: { record(event: string, outcome: string, who?: Who, uti?: string | null): void };
  /** What the app is sent for a payment, from its committed row (bridge/wiring.ts reads it). */
  requestOf: (uti: string) => BridgeTransaction;
  /** Why a payment eposd ends is cancelled at the app. */
  reasonOf: (uti: string) => string;
}

/**
 * EPOSD_DRIVER=bridge: the link to the payment app, as the engine's ports see it. The client (hello,
 * proofs, reconnects), the driver behind the reader and host ports, readiness, and the answers refused
 * (answer-rule.ts: counted, logged, audited). What the app says about payments the driver does not
 * follow is told as events, for the reconciliation (bridge/late-answers.ts): `elsewhere`, a result; `owed`,
 * a payment eposd ended that the app may still hold.
 */
export class PaymentAppLink extends EventEmitter<{ elsewhere: [string, PaymentResult]; owed: [string] }> {
  readonly client: BridgeClient;
  readonly driver: BridgeDriver;
  readonly readiness: Readiness;
  /** Asks the app what became of a payment (its result judged by the one rule). */
  readonly query: (uti: string) => Promise<Status>;
  /** True until the reconciliation has accounted for what a restart left in progress: new payments wait. */
  reconciling = true;
  private readonly refusals: Partial<Record<Refusal, number>> = {};

  constructor(private readonly deps: AppLinkDeps) {
    super();
    const { logger } = deps;
    this.client = new BridgeClient({ connect: deps.connect, secret: deps.secret, logger, version: deps.version, requestTimeoutMs: deps.replyTimeoutMs });
    const routes = { refused: (uti: string, refusal: Refusal) => this.refused(uti, refusal), elsewhere: (uti: string, r: PaymentResult) => void this.emit('elsewhere', uti, r) };
    this.query = (uti) => askApp(this.client, uti, routes);
    this.driver = new BridgeDriver({
      client: this.client,
      logger,
      graceMs: deps.graceMs,
      hostTimeoutMs: deps.hostTimeoutMs,
      reaskMs: REASK_MS,
      requestOf: deps.requestOf,
      reasonOf: deps.reasonOf,
      query: this.query,
      elsewhere: routes.elsewhere,
      owed: (uti) => void this.emit('owed', uti),
    });
    this.readiness = new Readiness(this.client, () => this.reconciling, logger);
  }

  /** New payments are refused (503, nothing created) while no payment app is connected, or while it is asked about interrupted ones. */
  assertAvailable(): void {
    const why = this.readiness.refusal();
    if (why) throw unavailable(why);
  }

  /** An answer not taken as given (answer-rule.ts): counted, logged with its UTI, shown in diagnostics, audited. */
  refused(uti: string, refusal: Refusal): void {
    this.refusals[refusal] = (this.refusals[refusal] ?? 0) + 1;
    this.deps.logger.warn({ uti, refusal }, 'payment app: an answer refused, not recorded as given');
    this.deps.audit.record('payment-app.answer-refused', refusal, APP, uti);
  }

  /** What diagnostics shows of the link. */
  report() {
    const c = this.client;
    return {
      driver: 'bridge',
      state: c.state,
      readiness: this.readiness.state(),
      protocol: c.protocol,
      bridge: c.bridge,
      connectedAt: c.connectedAt,
      reconciling: this.reconciling,
      lastError: c.lastError,
      lastErrorAt: c.lastErrorAt,
      counters: { ...c.counters, refused: Object.values(this.refusals).reduce((a, b) => a + b, 0) },
      refusals: { ...this.refusals },
    };
  }
}
