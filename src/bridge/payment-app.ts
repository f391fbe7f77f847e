import type { Who } from '../audit/audit.service';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { Refusal } from '../transactions/answer-rule';
import type { TransitionEvent } from '../transactions/engine';
import type { Ledger } from '../transactions/ledger';
import { recordAnswer } from '../transactions/recovery';
import type { TransactionsRepository } from '../transactions/transactions.repository';
import { BridgeClient } from './client';
import { BridgeDriver } from './driver';
import type { Connector } from './link';
import type { PaymentResult } from './protocol';
import { askApp } from './queries';
import { Readiness, unavailable } from './readiness';
import { REASK_MS, Reconciler } from './reconcile';
import { bridgeTransactionOf, cardColumns, saidOf } from './transaction-fields';
import { UnknownReversals } from './unknown-reversals';

export interface PaymentAppDeps {
  connect: Connector;
  secret?: string;
  version: string;
  graceMs: number;
  hostTimeoutMs: number;
  /** How long any request waits for the app's reply (EPOSD_BRIDGE_TIMEOUT_MS). */
  replyTimeoutMs: number;
  transactions: TransactionsRepository;
  ledger: Ledger;
  clock: Clock;
  logger: Logger;
  audit: { record(event: string, outcome: string, who?: Who, uti?: string | null): void };
  /** The audit trail, read: approvals of unknown UTIs a previous run did not get reversed. */
  trail: { unanswered(event: string, outcome: string, closedBy: string): string[] };
  busyWith(): string | undefined;
  reverseLater(): void;
  /** Tells a reconciled outcome to the engine's listeners (long-polls, the event stream, webhooks, the screen). */
  announce(e: TransitionEvent): void;
}

/** Who the audit trail names for what the payment app said. */
const APP: Who = { actor: 'payment-app', role: 'system', origin: 'bridge' };
const LATE_APPROVAL = 'payment-app.late-approval';
const UNKNOWN_REVERSED = 'payment-app.unknown-reversed';

/**
 * EPOSD_DRIVER=bridge: the client, the driver behind the engine's ports, reconciliation of what a
 * restart left in progress, and what eposd does with answers it does not take as given: refused ones
 * (answer-rule.ts) and approvals it does not keep, which are reversed through the app. New payments
 * wait (503) until the link is up and nothing interrupted is left to reconcile.
 */
export class PaymentApp {
  readonly client: BridgeClient;
  readonly driver: BridgeDriver;
  readonly readiness: Readiness;
  private readonly reconciler: Reconciler;
  private readonly unknown: UnknownReversals;
  private readonly refusals: Partial<Record<Refusal, number>> = {};
  private lateApprovals = 0;

  constructor(private readonly deps: PaymentAppDeps) {
    const { transactions, logger } = deps;
    this.client = new BridgeClient({ connect: deps.connect, secret: deps.secret, logger, version: deps.version, requestTimeoutMs: deps.replyTimeoutMs });
    const routes = { refused: (uti: string, refusal: Refusal) => this.refused(uti, refusal), elsewhere: (uti: string, r: PaymentResult) => this.elsewhere(uti, r) };
    const query = (uti: string) => askApp(this.client, uti, routes);
    this.driver = new BridgeDriver({
      client: this.client,
      logger,
      graceMs: deps.graceMs,
      hostTimeoutMs: deps.hostTimeoutMs,
      reaskMs: REASK_MS,
      requestOf: (uti) => {
        const row = transactions.findByUti(uti)!;
        const original = row.originalUti ? transactions.findByUti(row.originalUti) : undefined;
        return bridgeTransactionOf(row, original?.authCode ?? null, original?.cardId ?? null);
      },
      reasonOf: (uti) => transactions.findByUti(uti)?.statusReason ?? 'POS_CANCELLED',
      query,
      elsewhere: routes.elsewhere,
      owed: (uti) => this.owed(uti),
    });
    this.reconciler = new Reconciler({ ...this.orphanDeps(), client: this.client, logger, query, graceMs: deps.graceMs, hostTimeoutMs: deps.hostTimeoutMs });
    this.unknown = new UnknownReversals(
      this.driver,
      {
        owed: () => deps.trail.unanswered(LATE_APPROVAL, 'UNKNOWN_UTI', UNKNOWN_REVERSED),
        answered: (uti, undone) => deps.audit.record(UNKNOWN_REVERSED, undone ? 'REVERSED' : 'NOTHING_TO_REVERSE', APP, uti),
      },
      logger,
    );
    this.client.on('up', () => void this.unknown.flush());
    this.readiness = new Readiness(this.client, () => this.reconciler.open, logger);
  }

  start(): void {
    this.unknown.load();
    this.client.start();
    this.reconciler.start();
  }

  stop(): void {
    this.reconciler.stop();
    this.unknown.stop();
    this.client.stop();
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

  report() {
    const c = this.client;
    return {
      driver: 'bridge',
      state: c.state,
      readiness: this.readiness.state(),
      protocol: c.protocol,
      bridge: c.bridge,
      connectedAt: c.connectedAt,
      reconciling: this.reconciler.open,
      lastError: c.lastError,
      lastErrorAt: c.lastErrorAt,
      counters: { ...c.counters, lateApprovals: this.lateApprovals, refused: Object.values(this.refusals).reduce((a, b) => a + b, 0) },
      refusals: { ...this.refusals },
    };
  }

  private orphanDeps() {
    const { transactions, ledger, clock, logger } = this.deps;
    return {
      transactions,
      ledger,
      clock,
      logger,
      busyWith: () => this.deps.busyWith(),
      reverseLater: () => this.deps.reverseLater(),
      announce: (e: TransitionEvent) => this.deps.announce(e),
      refused: (uti: string, refusal: Refusal) => this.refused(uti, refusal),
    };
  }

  /** A payment eposd ended that the app may still hold (it did not confirm the cancel): reversed through it. */
  private owed(uti: string): void {
    // A cancel cut short by eposd's own stop: the database may be closed. An approval the app sends on the next link is a late one.
    if (this.client.state === 'STOPPED') return;
    const row = this.deps.transactions.findByUti(uti);
    if (!row || row.status === 'IN_PROGRESS' || row.status === 'APPROVED' || row.reversal === 'PENDING') return;
    this.deps.transactions.update(row.id, { reversal: 'PENDING' });
    this.deps.reverseLater();
  }

  /**
   * A result about a payment the driver does not follow. One a restart left in progress is its answer,
   * recorded by the one rule. An approval eposd does not keep (the payment ended otherwise, or eposd
   * never had that UTI) must not stand: it is reversed through the app, counted, logged and audited.
   */
  private elsewhere(uti: string, result: PaymentResult): void {
    const { transactions, logger } = this.deps;
    const row = transactions.findByUti(uti);
    const acquirer = result.outcome === 'APPROVED' || result.outcome === 'DECLINED';
    if (row?.status === 'IN_PROGRESS' && uti !== this.deps.busyWith()) {
      // The app's CANCELLED after it acknowledged eposd's cancel: the reconciler ends it as it decided.
      if (!acquirer && this.reconciler.isCancelling(uti)) return;
      return void recordAnswer(this.orphanDeps(), saidOf(uti, result), cardColumns(result));
    }
    if (result.outcome !== 'APPROVED') return logger.info({ uti, outcome: result.outcome }, 'payment app: a result for a payment eposd no longer follows dropped');
    if (row?.status === 'APPROVED') return logger.warn({ uti }, 'payment app: an approval already recorded, sent again: dropped');
    this.lateApprovals += 1;
    this.deps.audit.record(LATE_APPROVAL, row ? row.status : 'UNKNOWN_UTI', APP, uti);
    if (!row) {
      logger.warn({ uti }, 'payment app approved a UTI eposd never had: reversing it');
      return this.unknown.add(uti);
    }
    // @NOTE Marked at once, in the row, even while the engine is still committing the outcome it decided
    // (which carries no approval): a restart in between must still owe this reversal.
    logger.warn({ uti, status: row.status }, 'payment app approved a payment eposd had ended: reversing it');
    transactions.update(row.id, { reversal: 'PENDING' });
    this.deps.reverseLater();
  }
}
