import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Config } from './config/config';
import { openDatabase, type Db } from './db/open';
import { createDispatch } from './http/dispatch';
import { StorageHealth } from './db/storage-health';
import type { StorageWitness, WitnessRecord } from './db/witness';
import { WitnessKeeper } from './db/witness-keeper';
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
import { systemResolve, type Resolve, type TargetPolicy } from './webhooks/target';
import { checkedPost, type Post } from './webhooks/post';
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
import { TransactionsRepository, unsealedAfter } from './transactions/transactions.repository';
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
import { createDisplay } from './display/wiring';
import { createPrompts } from './prompts/wiring';
import { BridgeScreen } from './bridge/screen';

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
  /** The webhooks' POST, instead of post.ts's checkedPost (which sends only where target.ts allows). */
  fetch?: Post;
  /** The key of the card identities the simulated reader makes (reader/card-identity.ts): from the terminal's key; a context without one (tests) makes one for its own life. */
  cardKey?: Buffer;
  /** How webhook hosts are resolved (tests give their own: no test asks real DNS). */
  resolve?: Resolve;
  certificateNotAfter?: Date;
  /** The ports actually listened on, once known (main.ts). */
  ports?: () => { api: number; screen: number };
  /** What the start repaired or replaced (a new key, an empty database set aside): logged, shown, in diagnostics. */
  notes?: readonly string[];
  monotonic?: Monotonic;
  /** EPOSD_DRIVER=bridge: how to reach the payment app instead of the socket in the configuration (the in-process channel). */
  bridgeConnector?: Connector;
  /** The database file, when `db` is a stand-in for it (db/open-storage.ts): what the storage messages name. */
  storageFile?: string;
  /** Damage found as the database was opened (db/open-storage.ts): the terminal starts out of service. */
  storageDamage?: string;
  /** The storage witness, kept up to date while the database is sound, and its record before this start. */
  witness?: { witness: StorageWitness; record?: WitnessRecord };
  /** While the database is damaged: the settings and registers from the witness, in memory (db/open-storage.ts). */
  pairingsDb?: Db;
  /** The key prompts' answers are sealed with (src/prompts/answer-box.ts): from the terminal's key; tests make one. */
  promptKey?: Buffer;
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
  const storage = new StorageHealth(overrides.storageFile ?? db.name, { clock, logger, unsealed: (after, limit) => unsealedAfter(db, after, limit) });
  const witness = overrides.storageDamage === undefined ? overrides.witness?.witness : undefined;
  // While the database is damaged (read-only, or unreadable), what the terminal must still write lives in
  // memory until the next start: settings, pairings, the audit trail, the webhook outbox.
  const live = overrides.pairingsDb ?? db;
  const settings = new SettingsRepository(live);
  const registers = new RegistersRepository(live);
  const transactionsRepo = new TransactionsRepository(db);
  const identity: TerminalIdentity = loadIdentity(config, settings, ids, { openBatch: () => transactionsRepo.unsettled().length, notes });
  const screen = new ScreenService(
    { tid: identity.tid, serialNumber: identity.serialNumber, merchantName: identity.merchantName, fingerprint, addresses: overrides.addresses ?? lanAddresses(), apiPort: config.port },
    overrides.screenOut,
  );
  for (const note of notes) logger.warn(note);
  if (notes.length > 0) screen.setAlert('identity', notes.join(' '));
  storage.on('change', () => screen.setAlert('storage', 'The database is damaged: no new payments. Call a technician (diagnostics has the details).'));
  if (overrides.storageDamage !== undefined) storage.markCorrupt(`found at start: ${overrides.storageDamage}`);
  const events = new TransactionEventsRepository(db);
  const auditRepo = new AuditRepository(live, (n) => events.latestSteps(n));
  const audit = new AuditLog({ audit: auditRepo, clock, logger });
  const ports = overrides.ports ?? (() => ({ api: config.port, screen: config.screenPort }));
  // Where webhooks may go: nowhere on this machine's own ports (the bridge's included), nor loopback unless allowed (webhooks/target.ts).
  const webhookTargets: TargetPolicy = {
    own: () => ({ ports: [...Object.values(ports()), ...(config.bridgePort !== undefined ? [config.bridgePort] : [])], addresses: screen.state().addresses }),
    loopbackAllowed: config.webhookLoopback,
    resolve: overrides.resolve ?? systemResolve,
  };
  const pairing = new PairingService({ registers, clock, ids, identity, fingerprint, logger, pairingTtlMs: config.pairingTtlS * 1000, targets: webhookTargets, outOfService: () => storage.corrupt });
  pairing.on('window', (view) => screen.showPairing(view));

  const simulator = new SimulatedCardReader({
    mode: config.simMode,
    cardDelayMs: config.simCardDelayMs,
    pinDelayMs: Math.min(SIM_PIN_DELAY_MS, config.simCardDelayMs),
    readDelayMs: config.simReadDelayMs,
    tip: config.simTip,
    cardKey: overrides.cardKey ?? randomBytes(32),
    logger,
  });
  const deliveries = new DeliveriesRepository(live, ids, (registerId) => registers.hasCallback(registerId));
  const ledger = new Ledger(db, transactionsRepo, events, deliveries, storage, witness);
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
  // A payment's receipts first: no job a POS asked for starts while a payment prints (engine: below).
  const printQueue = new PrintQueue(printer, (): boolean => engine.current.name === 'PRINTING');
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
    // A payment waits for a prompt on the screen to end (src/prompts).
    screenBusy: () => prompts.assertNoPrompt(),
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
  const retention = new Retention(db, { clock, logger, retentionDays: config.retentionDays, audit: auditRepo, deliveries, guard: clockGuard, frozen: () => storage.corrupt });
  const webhooks = new WebhookDispatcher({
    deliveries,
    clock,
    logger,
    post: overrides.fetch ?? checkedPost(webhookTargets),
    bodyFor: (uti, event) => (event?.startsWith('prompt.') ? prompts.webhookBody(uti) : transactions.status(uti)?.body),
  });
  // A transition's commit may have queued a webhook (transaction.final, or transaction.updated for the
  // registers that chose it); most queue nothing, and then the outbox is not even looked at.
  engine.on('transition', () => deliveries.takeQueued() && webhooks.kick());
  const checkpoints = new Checkpoints(db, { logger, idle: () => engine.current.name === 'IDLE' });
  engine.on('transition', (e: TransitionEvent) => e.to === 'IDLE' && checkpoints.paymentEnded());
  engine.on('transition', (e: TransitionEvent) => e.from === 'PRINTING' && printQueue.resume());
  const notices = new Notices({ outbox: deliveries, kick: () => webhooks.kick(), clock, logger });
  // The witness vouches for the pairings: it learns of each change before the POS has its answer.
  const keeper = witness && new WitnessKeeper(witness, db, () => ({ ...identity, fingerprint }), overrides.witness?.record);
  const witnessChange = () => {
    try {
      keeper?.update();
    } catch (err) {
      // The change is committed: a witness left behind vouches for less until its next write.
      logger.warn({ err }, 'the storage witness could not be written');
    }
  };
  pairing.on('paired', witnessChange);
  pairing.on('unpaired', witnessChange);
  pairing.on('paired', (r) => notices.publish('register.paired', r));
  pairing.on('unpaired', (r) => notices.publish('register.unpaired', r));
  const stopFollowing = followPayments({ engine, screen, finalOf, locale: config.locale });
  const currencies = [...new Set([identity.currency, ...(config.currencies ?? [])])];
  const bridgeScreen = paymentApp && new BridgeScreen(paymentApp.client, logger);
  const display = createDisplay({ clock, currencies, locale: config.locale, screen, pairing, bridgeScreen });
  const { prompts, promptWaiters } = createPrompts({
    db,
    key: overrides.promptKey,
    clock,
    ids,
    logger,
    locale: config.locale,
    answerTtlMs: config.promptAnswerTtlS * 1000,
    storage,
    payment: () => (engine.current.name === 'IDLE' ? undefined : { uti: engine.current.tx.uti, stage: engine.current.name }),
    screen,
    pairing,
    notices,
    deliveries,
    kickWebhooks: () => webhooks.kick(),
    bridgeScreen,
  });
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
    onClosed: (batch) => {
      witnessChange();
      notices.publish('settlement.closed', batch);
    },
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
    lastPurge: () => retention.lastPurge(),
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
    display,
    prompts,
    promptWaiters,
    settlement,
    diagnostics,
    deliveries,
    webhooks,
    notices,
    /** The terminal's own work, before the API listens: recovery, then timers and the first screen. */
    start(): void {
      // Small databases are checked before the API listens; larger ones once it listens, in a worker.
      checkLater = !storage.checkAtStart(db);
      // What the witness vouches for, from a database found sound: identity, pairings, ids reached.
      if (!storage.corrupt) keeper?.start();
      try {
        // What is already written predates this run: retention counts its age from here at the latest.
        retention.mark('start');
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
      // A damaged database cannot record a delivery: the outbox waits for the recovered one.
      if (!storage.corrupt) webhooks.kick();
      // No pairing window over a damaged database: a pairing could not be kept.
      if (!storage.corrupt) pairing.openIfUnpaired();
      // A prompt left open by a stopped process ends CANCELLED; answers past their time go.
      if (!storage.corrupt) prompts.start();
    },
    /** Once the API listens: what was left so as not to slow the start (a large database's check). */
    listening(): void {
      if (!checkLater) return;
      checkLater = false;
      setImmediate(() => void storage.checkInBackground(db));
    },
    destroy(): void {
      stopFollowing();
      prompts.stop();
      engine.stop();
      paymentApp?.stop();
      reversals.stop();
      settlement.stop();
      webhooks.stop();
      retention.stop();
      checkpoints.stop();
      pairing.close();
      try {
        // The running time, kept for the next start: after a reboot it is the lower bound.
        if (db.open && !storage.corrupt) retention.mark();
      } catch {
        // a database that takes no writes now keeps the anchor it had
      }
      if (db.open) db.close();
      if (overrides.pairingsDb?.open) overrides.pairingsDb.close();
    },
  };
}
