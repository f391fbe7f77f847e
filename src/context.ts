import { join } from 'node:path';
import type { Config } from './config/config';
import { openDatabase, type Db } from './db/open';
import { createDispatch } from './http/dispatch';
import { StorageHealth } from './db/storage-health';
import { AuditRepository } from './audit/audit.repository';
import { AuditLog } from './audit/audit.service';
import type { PaymentHost } from './host/payment-host';
import { SimulatedHost } from './host/host.simulator';
import { loadIdentity, type TerminalIdentity } from './identity/identity';
import { SettingsRepository } from './identity/settings.repository';
import { PairingService } from './pairing/pairing.service';
import { RegistersRepository } from './pairing/registers.repository';
import type { Printer } from './printer/printer';
import { SimulatedPrinter } from './printer/printer.simulator';
import { PrintQueue } from './printer/print-queue';
import type { CardReader } from './reader/card-reader';
import { BridgeSimulatorActions } from './bridge/simulator-actions';
import { SimulatedCardReader } from './reader/simulator/reader.simulator';
import { ScreenService } from './screen/screen.service';
import { systemClock, type Clock } from './shared/clock';
import { ids as defaultIds, type IdGenerator } from './shared/ids';
import { silentLogger, type Logger } from './shared/logger';
import { lanAddresses } from './shared/network';
import { PaymentEngine, type EngineTimings, type TransitionEvent } from './transactions/engine';
import { TransactionEventsRepository } from './transactions/events.repository';
import { Ledger } from './transactions/ledger';
import { followPayments } from './screen/payment-screen';
import { recoverInterrupted } from './transactions/recovery';
import { Retention } from './transactions/retention';
import { Checkpoints } from './db/checkpoints';
import { ClockGuard, type Monotonic } from './transactions/clock-guard';
import { Reversals } from './transactions/reversals';
import { TransactionService } from './transactions/transactions.service';
import { Money } from './transactions/money';
import { TransactionsRepository } from './transactions/transactions.repository';
import { EventFeed } from './transactions/event-feed';
import { TransactionSearch } from './transactions/search';
import { OutcomeWaiters } from './transactions/waiters';
import { BatchesRepository } from './settlement/batches.repository';
import { SettlementService } from './settlement/settlement.service';
import { DeliveriesRepository } from './webhooks/deliveries.repository';
import { DiagnosticsService } from './diagnostics/diagnostics.service';
import { WebhookDispatcher } from './webhooks/dispatcher';
import { createPaymentApp } from './bridge/wiring';
import type { Connector } from './bridge/link';
import { BridgePrinter } from './bridge/printer';
import { Notices } from './webhooks/notices';

export interface ContextOverrides {
  db?: Db;
  clock?: Clock;
  ids?: IdGenerator;
  logger?: Logger;
  /** Where `[screen]` lines go (standard output by default). */
  screenOut?: (line: string) => void;
  addresses?: string[];
  reader?: CardReader;
  host?: PaymentHost;
  printer?: Printer;
  timings?: Partial<EngineTimings>;
  fetch?: typeof fetch;
  certificateNotAfter?: Date;
  /** The ports actually listened on, once known (main.ts). */
  ports?: () => { api: number; screen: number };
  /** What the start repaired or replaced (a new key, an empty database set aside): logged, shown, in diagnostics. */
  notes?: readonly string[];
  monotonic?: Monotonic;
  /** EPOSD_DRIVER=bridge: how to reach the payment app instead of the socket in the configuration (the in-process channel). */
  bridgeConnector?: Connector;
}

export type AppContext = ReturnType<typeof createContext>;

const COMMIT_RETRY_MS = 1_000;
const PRINT_TIMEOUT_MS = 30_000;
const SIM_PIN_DELAY_MS = 1_500;

/** The composition root: builds every service once, from the configuration and the certificate's fingerprint. */
export function createContext(config: Config, fingerprint: string, overrides: ContextOverrides = {}) {
  const notes = [...(overrides.notes ?? [])];
  const db = overrides.db ?? openDatabase(join(config.dataDir, 'eposd.db'), { acceptNewIdentity: config.acceptNewIdentity, notes });
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? defaultIds;
  const logger = overrides.logger ?? silentLogger;
  const storage = new StorageHealth(db.name, { clock, logger });
  const settings = new SettingsRepository(db);
  const registers = new RegistersRepository(db);
  const identity: TerminalIdentity = loadIdentity(config, settings, ids);
  const screen = new ScreenService(
    { tid: identity.tid, serialNumber: identity.serialNumber, merchantName: identity.merchantName, fingerprint, addresses: overrides.addresses ?? lanAddresses(), apiPort: config.port },
    overrides.screenOut,
  );
  for (const note of notes) logger.warn(note);
  if (notes.length > 0) screen.setAlert('identity', notes.join(' '));
  storage.on('change', () => screen.setAlert('storage', 'The database is damaged: no new payments. Call a technician (diagnostics has the details).'));
  const events = new TransactionEventsRepository(db);
  const auditRepo = new AuditRepository(db, (n) => events.latestSteps(n));
  const audit = new AuditLog({ audit: auditRepo, clock, logger });
  const ports = overrides.ports ?? (() => ({ api: config.port, screen: config.screenPort }));
  const own = () => ({ ports: Object.values(ports()), addresses: screen.state().addresses });
  const pairing = new PairingService({ registers, clock, ids, identity, fingerprint, logger, pairingTtlMs: config.pairingTtlS * 1000, own });
  pairing.on('window', (view) => screen.showPairing(view));

  const simulator = new SimulatedCardReader({
    mode: config.simMode,
    cardDelayMs: config.simCardDelayMs,
    pinDelayMs: Math.min(SIM_PIN_DELAY_MS, config.simCardDelayMs),
    readDelayMs: config.simReadDelayMs,
    tip: config.simTip,
    logger,
  });
  const transactionsRepo = new TransactionsRepository(db);
  const deliveries = new DeliveriesRepository(db, ids, (registerId) => registers.hasCallback(registerId));
  const ledger = new Ledger(db, transactionsRepo, events, deliveries, storage);
  // Late-bound: the payment app's reconciliation needs the engine's payment and the reversals, built below.
  const late = { busyWith: (): string | undefined => undefined, reverseLater: (): void => undefined, announce: (_e: TransitionEvent): void => undefined };
  const paymentApp =
    config.driver === 'bridge' ? createPaymentApp(config, { connect: overrides.bridgeConnector, transactions: transactionsRepo, ledger, clock, logger, audit, trail: auditRepo, late }) : undefined;
  const reader = overrides.reader ?? paymentApp?.driver ?? simulator;
  const host =
    overrides.host ??
    paymentApp?.driver ??
    new SimulatedHost({ authDelayMs: config.simAuthDelayMs, lateAnswerMs: config.hostTimeoutMs + config.simAuthDelayMs + 1000, ids, logger, journal: config.simHostJournal });
  const printer = overrides.printer ?? (paymentApp ? new BridgePrinter(paymentApp.client) : new SimulatedPrinter(logger, config.simPrintDelayMs));
  const printQueue = new PrintQueue(printer);
  const reversals = new Reversals({ transactions: transactionsRepo, host, logger });
  // An outcome's receipts, for the printer and the screen, from the status answer the service keeps.
  const finalOf = (uti: string): ReturnType<TransactionService['finalDetails']> => transactions.finalDetails(uti);
  const engine = new PaymentEngine({
    ledger,
    reader,
    host,
    printer: printQueue,
    clock,
    logger,
    timings: { cardTimeoutMs: config.cardTimeoutMs, hostTimeoutMs: config.hostTimeoutMs, commitRetryMs: COMMIT_RETRY_MS, printTimeoutMs: PRINT_TIMEOUT_MS, ...overrides.timings },
    receiptsOf: (uti) => finalOf(uti)?.receipts,
    reverseLater: () => void reversals.flush(),
    refused: (uti, refusal) => (paymentApp ? paymentApp.refused(uti, refusal) : logger.warn({ uti, refusal }, 'host: an answer refused, not recorded as given')),
  });
  const transactions = new TransactionService({
    transactions: transactionsRepo,
    printer: printQueue,
    engine,
    identity,
    clock,
    ids,
    search: new TransactionSearch(db),
    storage,
    voidAnyRegister: config.voidAnyRegister,
    paymentApp,
    money: new Money(
      {
        defaultCurrency: identity.currency,
        currencies: [...new Set([identity.currency, ...(config.currencies ?? [])])],
        cashbackMax: config.cashbackMax,
        unlinkedRefunds: config.unlinkedRefunds,
        refundMax: config.refundMax,
      },
      transactionsRepo,
    ),
  });
  late.busyWith = () => transactions.busyWith();
  late.reverseLater = () => void reversals.flush();
  late.announce = (e) => engine.announce(e);
  const clockGuard = new ClockGuard({ clock, logger, settings, newestCommitted: () => transactionsRepo.newestCreatedAt(), monotonic: overrides.monotonic });
  const retention = new Retention(db, { clock, logger, retentionDays: config.retentionDays, alsoPurge: [auditRepo, deliveries], guard: clockGuard, frozen: () => storage.corrupt });
  const webhooks = new WebhookDispatcher({ deliveries, clock, logger, fetch: overrides.fetch, bodyFor: (uti) => transactions.status(uti)?.body });
  // A transition's commit may have queued a webhook (transaction.final, or transaction.updated for the
  // registers that chose it); most queue nothing, and then the outbox is not even looked at.
  engine.on('transition', () => deliveries.takeQueued() && webhooks.kick());
  const checkpoints = new Checkpoints(db, { logger, idle: () => engine.current.name === 'IDLE' });
  engine.on('transition', (e: TransitionEvent) => e.to === 'IDLE' && checkpoints.paymentEnded());
  const notices = new Notices({ outbox: deliveries, kick: () => webhooks.kick(), clock, logger });
  pairing.on('paired', (r) => notices.publish('register.paired', r));
  pairing.on('unpaired', (r) => notices.publish('register.unpaired', r));
  const stopFollowing = followPayments({ engine, screen, finalOf, locale: config.locale });
  const settlement = new SettlementService({
    batches: new BatchesRepository(db),
    open: transactionsRepo,
    printer: printQueue,
    busyWith: () => transactions.busyWith(),
    identity,
    clock,
    logger,
    settlementTime: config.settlementTime,
    onScheduledClose: (batch) => audit.record('settlement.close', 'OK', { actor: `batch-${batch.batchNumber}`, role: 'system', origin: 'terminal' }),
    onClosed: (batch) => notices.publish('settlement.closed', batch),
    storage,
  });
  const startedAt = clock.now();
  let checkLater = false;
  const diagnostics = new DiagnosticsService({
    db,
    identity,
    clock,
    startedAt,
    fingerprint,
    certificateNotAfter: overrides.certificateNotAfter ?? null,
    addresses: screen.state().addresses,
    ports,
    engine,
    reader,
    readerMode: reader === simulator ? config.simMode : 'hardware',
    printer,
    registers,
    settlement,
    audit: auditRepo,
    webhooks: () => deliveries.counts(),
    transactionCounts: () => transactionsRepo.countsByStatus(),
    storage,
    clockGuard,
    notes,
    paymentApp: paymentApp ? () => paymentApp.report() : undefined,
  });

  return {
    config,
    db,
    clock,
    ids,
    logger,
    identity,
    fingerprint,
    startedAt,
    screen,
    pairing,
    registers,
    settings,
    storage,
    clockGuard,
    /** The one path every endpoint is served through (http/dispatch.ts). */
    dispatch: createDispatch({ pairing, audit, logger, tid: identity.tid, observe: (err) => storage.observe(err) }),
    audit,
    auditRepo,
    /** The simulator, when the reader is simulated: the screen's test-card buttons drive it. */
    simulator: reader === simulator ? simulator : undefined,
    /** EPOSD_DRIVER=bridge: the same buttons, forwarded to a test payment app that offers them. */
    bridgeSimulator: paymentApp ? new BridgeSimulatorActions(paymentApp.client) : undefined,
    reader,
    host,
    printer,
    engine,
    transactions,
    transactionsRepo,
    reversals,
    /** EPOSD_DRIVER=bridge: the payment app's link, driver and reconciliation. */
    paymentApp,
    retention,
    waiters: new OutcomeWaiters(engine),
    feed: new EventFeed(db, engine),
    settlement,
    diagnostics,
    deliveries,
    webhooks,
    notices,
    /** The terminal's own work, before the API listens: recovery, then timers and the first screen. */
    start(): void {
      // Small databases are checked before the API listens; larger ones once it listens, in a worker.
      checkLater = !storage.checkAtStart(db);
      try {
        clockGuard.check(storage.corrupt ? false : 'always');
      } catch (err) {
        storage.observe(err);
        logger.warn({ err }, 'could not read or keep the clock anchor');
      }
      try {
        // A payment app can be asked what became of an interrupted payment: it reconciles once connected.
        if (paymentApp) paymentApp.start();
        else recoverInterrupted({ transactions: transactionsRepo, ledger, clock, logger });
      } catch (err) {
        // A damaged file still starts, to answer what can be read; anything else stops the start.
        storage.observe(err);
        if (!storage.corrupt) throw err;
      }
      void reversals.flush();
      retention.schedule();
      settlement.schedule();
      webhooks.kick();
      pairing.openIfUnpaired();
    },
    /** Once the API listens: what was left so as not to slow the start (a large database's check). */
    listening(): void {
      if (!checkLater) return;
      checkLater = false;
      setImmediate(() => void storage.checkInBackground(db));
    },
    destroy(): void {
      stopFollowing();
      engine.stop();
      paymentApp?.stop();
      reversals.stop();
      settlement.stop();
      webhooks.stop();
      retention.stop();
      checkpoints.stop();
      pairing.close();
      try {
        // The time vouched for, kept for the next start: after a reboot it is the lower bound.
        if (db.open && !storage.corrupt) clockGuard.check('always');
      } catch {
        // a database that takes no writes now keeps the anchor it had
      }
      if (db.open) db.close();
    },
  };
}
