import { RESPONSE_REASONS } from '../host/response-codes';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { Ledger } from '../transactions/ledger';
import { expireUnreconciled, orphans, reconcileWithPaymentApp, type AppAnswer } from '../transactions/recovery';
import type { TransactionsRepository } from '../transactions/transactions.repository';
import { BridgeClient } from './client';
import { BridgeDriver, unavailable } from './driver';
import type { Connector } from './link';
import type { PaymentResult } from './protocol';
import { bridgeTransactionOf, resultColumns } from './transaction-fields';

export interface PaymentAppDeps {
  connect: Connector;
  secret?: string;
  version: string;
  graceMs: number;
  transactions: TransactionsRepository;
  ledger: Ledger;
  clock: Clock;
  logger: Logger;
  busyWith(): string | undefined;
  reverseLater(): void;
}

/** How often a transaction the app still has in progress is asked about again while reconciling. */
const REASK_MS = 250;

/** The outcome to record for a payment app's result. */
export function recordOf(r: PaymentResult): Extract<AppAnswer, { state: 'FINAL' }>['record'] {
  const read = r.card ? { maskedPan: r.card.maskedPan, entryMode: r.card.entryMode, aid: r.card.aid ?? null, appName: r.card.applicationLabel ?? null, cvm: r.card.cvm } : null;
  const columns = { ...read, ...resultColumns(r) };
  const card = Object.keys(columns).length > 0 ? columns : null;
  const statusReason = r.outcome === 'APPROVED' ? 'APPROVED' : r.outcome === 'DECLINED' ? (RESPONSE_REASONS[r.responseCode ?? ''] ?? r.reason) : r.reason;
  return { status: r.outcome, statusReason, responseCode: r.responseCode ?? null, authCode: r.outcome === 'APPROVED' ? (r.authCode ?? null) : null, card };
}

/**
 * EPOSD_DRIVER=bridge: the client, the driver behind the engine's ports, and reconciliation of what a
 * restart or a lost link left in progress. New payments wait (503) until the link is up and nothing
 * interrupted is left to reconcile.
 */
export class PaymentApp {
  readonly client: BridgeClient;
  readonly driver: BridgeDriver;
  private reconciling = true;
  private deadline: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly deps: PaymentAppDeps) {
    this.client = new BridgeClient({ connect: deps.connect, secret: deps.secret, logger: deps.logger, version: deps.version });
    this.driver = new BridgeDriver({
      client: this.client,
      logger: deps.logger,
      graceMs: deps.graceMs,
      requestOf: (uti) => {
        const row = deps.transactions.findByUti(uti)!;
        const original = row.originalUti ? deps.transactions.findByUti(row.originalUti) : undefined;
        return bridgeTransactionOf(row, original?.authCode ?? null, original?.cardId ?? null);
      },
      lateApproval: (uti) => this.lateApproval(uti),
    });
    this.deadline = performance.now() + deps.graceMs;
    this.client.on('up', () => this.reconcileSoon(true));
    this.client.on('down', () => {
      this.deadline = performance.now() + this.deps.graceMs;
    });
  }

  start(): void {
    this.client.start();
    this.reconcileSoon(false);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.client.stop();
  }

  /** New payments are refused (503, nothing created) while no payment app is connected, or while it is asked about interrupted ones. */
  assertAvailable(): void {
    if (!this.client.connected) throw unavailable('The payment application is not connected. Try again shortly.');
    if (this.reconciling) throw unavailable('The terminal is reconciling an interrupted payment with the payment application. Try again shortly.');
  }

  report() {
    const c = this.client;
    return {
      driver: 'bridge',
      state: c.state,
      protocol: c.protocol,
      bridge: c.bridge,
      connectedAt: c.connectedAt,
      reconciling: this.reconciling,
      lastError: c.lastError,
      lastErrorAt: c.lastErrorAt,
      counters: { ...c.counters },
    };
  }

  private reconcileSoon(now: boolean): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.reconcile(), now ? 0 : REASK_MS).unref();
  }

  /** Asks about every orphan; again shortly while some are open; at the deadline the rest end FAILED. */
  private reconcile(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<void> {
    const { transactions, ledger, clock, logger } = this.deps;
    // The deadline is a duration on the monotonic clock: the wall clock may jump.
    const base = { transactions, ledger, clock, logger, busyWith: () => this.deps.busyWith(), reverseLater: () => this.deps.reverseLater() };
    try {
      let open = orphans(base).length;
      if (open > 0 && this.client.connected) {
        open = await reconcileWithPaymentApp({ ...base, ask: (uti) => this.ask(uti) });
      }
      if (open > 0 && performance.now() >= this.deadline) open -= expireUnreconciled(base);
      this.reconciling = open > 0;
      if (!this.reconciling && this.client.connected) this.deps.reverseLater();
      if (open > 0) this.reconcileSoon(false);
    } catch (err) {
      logger.error({ err }, 'could not reconcile with the payment app; will retry');
      this.reconcileSoon(false);
    }
  }

  private async ask(uti: string): Promise<AppAnswer> {
    const status = await this.client.request<'payment.status'>({ type: 'payment.query', uti });
    if (status.state === 'FINAL' && status.result) return { state: 'FINAL', record: recordOf(status.result) };
    return { state: status.state === 'FINAL' ? 'UNKNOWN' : status.state };
  }

  /** An approval eposd did not record as one (cancelled or given up meanwhile): it must not stand. */
  private lateApproval(uti: string): void {
    const row = this.deps.transactions.findByUti(uti);
    if (!row || row.status === 'APPROVED' || row.status === 'IN_PROGRESS' || row.reversal) return;
    this.deps.transactions.update(row.id, { reversal: 'PENDING' });
    this.deps.logger.warn({ uti, status: row.status }, 'payment app approved a payment eposd had ended: reversing it');
    this.deps.reverseLater();
  }
}
