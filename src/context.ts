import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Config } from './config/config';
import { openDatabase, type Db } from './db/open';
import { createDispatch } from './http/dispatch';
import { StorageHealth } from './db/storage-health';
import type { StorageWitness, WitnessRecord } from './witness/witness';
import { WitnessKeeper } from './witness/witness-keeper';
import { AuditRepository } from './audit/audit.repository';
import { AuditLog } from './audit/audit.service';
import type { PaymentHost } from './host/payment-host';
import { loadIdentity } from './identity/identity';
import { SettingsRepository } from './identity/settings.repository';
import { PairingService } from './pairing/pairing.service';
import { RegistersRepository } from './pairing/registers.repository';
import type { Printer } from './printer/printer';
import type { CardReader } from './reader/card-reader';
import { simulatedDevices } from './reader/simulator/devices';
import { BridgeSimulatorActions } from './bridge/simulator-actions';
import { ScreenService } from './screen/screen.service';
import { followPayments } from './screen/payment-screen';
import { systemClock, type Clock } from './shared/clock';
import { ids as defaultIds, type IdGenerator } from './shared/ids';
import { silentLogger, type Logger } from './shared/logger';
import { lanAddresses } from './shared/network';
import type { Resolve } from './webhooks/target';
import type { Post } from './webhooks/post';
import type { EngineTimings, TransitionEvent } from './transactions/engine';
import { TransactionEventsRepository } from './transactions/events.repository';
import { recoverInterrupted } from './transactions/recovery';
import { Ledger } from './transactions/ledger';
import type { Monotonic } from './transactions/clock-guard';
import { TransactionsRepository, unsealedAfter } from './transactions/transactions.repository';
import { wirePayments } from './transactions/wiring';
import { DeliveriesRepository } from './webhooks/deliveries.repository';
import { webhookTargets, wireWebhooks } from './webhooks/wiring';
import { wireSettlement } from './settlement/wiring';
import { DiagnosticsService } from './diagnostics/diagnostics.service';
import { createAppLink, wirePaymentApp } from './bridge/wiring';
import type { Connector } from './bridge/link';
import { BridgePrinter } from './bridge/printer';
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
  /** The database file, when `db` is a stand-in for it (witness/open-storage.ts): what the storage messages name. */
  storageFile?: string;
  /** Damage found as the database was opened (witness/open-storage.ts): the terminal starts out of service. */
  storageDamage?: string;
  /** The storage witness, kept up to date while the database is sound, and its record before this start. */
  witness?: { witness: StorageWitness; record?: WitnessRecord };
  /** While the database is damaged: the settings and registers from the witness, in memory (witness/open-storage.ts). */
  pairingsDb?: Db;
  /** The key prompts' answers are sealed with (src/prompts/answer-box.ts): from the terminal's key; tests make one. */
  promptKey?: Buffer;
}

export type AppContext = ReturnType<typeof createContext>;

/**
 * The composition root: builds every service once, from the configuration and the certificate's
 * fingerprint, each from what is built above it: the records, the terminal's identity and screen,
 * pairing, the devices, the payments, the webhooks, settlement, diagnostics. Domains that follow one
 * another are joined by their events, below the one that emits them.
 */
export function createContext(config: Config, fingerprint: string, overrides: ContextOverrides = {}) {
  const { clock = systemClock, ids = defaultIds, logger = silentLogger } = overrides;
  const notes = [...(overrides.notes ?? [])];

  // The records. While the database is damaged (read-only, or unreadable), what the terminal must still
  // write lives in memory until the next start: settings, pairings, the audit trail, the webhook outbox.
  const db = overrides.db ?? openDatabase(join(config.dataDir, 'eposd.db'), { acceptNewIdentity: config.acceptNewIdentity, notes });
  const live = overrides.pairingsDb ?? db;
  const storage = new StorageHealth(overrides.storageFile ?? db.name, { clock, logger, unsealed: (after, limit) => unsealedAfter(db, after, limit) });
  const settings = new SettingsRepository(live);
  const registers = new RegistersRepository(live);
  const transactionsRepo = new TransactionsRepository(db);
  const events = new TransactionEventsRepository(db);
  const auditRepo = new AuditRepository(live, (n) => events.latestSteps(n));
  const audit = new AuditLog({ audit: auditRepo, clock, logger });
  const outbox = new DeliveriesRepository(live, ids, (registerId) => registers.hasCallback(registerId));

  // The terminal: who it is, and its screen.
  const identity = loadIdentity(config, settings, ids, { openBatch: () => transactionsRepo.unsettled().length, notes });
  const addresses = overrides.addresses ?? lanAddresses();
  const screen = new ScreenService({ tid: identity.tid, serialNumber: identity.serialNumber, merchantName: identity.merchantName, fingerprint, addresses, apiPort: config.port }, overrides.screenOut);
  for (const note of notes) logger.warn(note);
  if (notes.length > 0) screen.setAlert('identity', notes.join(' '));
  storage.on('change', () => screen.setAlert('storage', 'The database is damaged: no new payments. Call a technician (diagnostics has the details).'));
  if (overrides.storageDamage !== undefined) storage.markCorrupt(`found at start: ${overrides.storageDamage}`);
  const witness = overrides.storageDamage === undefined ? overrides.witness?.witness : undefined;
  const keeper = witness && new WitnessKeeper(witness, db, () => ({ ...identity, fingerprint }), overrides.witness?.record, logger);

  // Pairing, and where its webhooks may go.
  const ports = overrides.ports ?? (() => ({ api: config.port, screen: config.screenPort }));
  const targets = webhookTargets(config, { ports, addresses: () => screen.state().addresses, resolve: overrides.resolve });
  const pairing = new PairingService({ registers, clock, ids, identity, fingerprint, logger, pairingTtlMs: config.pairingTtlS * 1000, targets, outOfService: () => storage.corrupt });
  pairing.on('window', (view) => screen.showPairing(view));

  // The devices: the payment app's driver (EPOSD_DRIVER=bridge), or the simulators.
  const ledger = new Ledger(db, transactionsRepo, events, outbox, storage, witness);
  const appLink = config.driver === 'bridge' ? createAppLink(config, { connect: overrides.bridgeConnector, transactions: transactionsRepo, logger, audit }) : undefined;
  const sim = simulatedDevices(config, { ids, logger, cardKey: overrides.cardKey ?? randomBytes(32) });
  const simulator = overrides.reader || appLink ? undefined : sim.reader();
  const reader = overrides.reader ?? appLink?.driver ?? simulator!;
  const host = overrides.host ?? appLink?.driver ?? sim.host();
  const printer = overrides.printer ?? (appLink ? new BridgePrinter(appLink.client) : sim.printer());

  // The payments, then what follows them: the webhooks, the screen, settlement, diagnostics.
  const payments = wirePayments({
    ...{ config, db, clock, ids, logger, identity, storage, ledger, transactions: transactionsRepo, settings, outbox, audit: auditRepo, reader, host, printer, paymentApp: appLink },
    ...{ timings: overrides.timings, monotonic: overrides.monotonic },
    // A payment waits for a POS's prompt on the screen to end: asked of the prompts, built below, once payments are taken.
    screenBusy: () => prompts.assertNoPrompt(),
  });
  const { engine, transactions } = payments;
  // EPOSD_DRIVER=bridge: what a restart left in progress, and the answers the driver does not follow.
  const paymentApp =
    appLink &&
    wirePaymentApp(config, appLink, {
      ...{ transactions: transactionsRepo, ledger, clock, logger, audit, trail: auditRepo },
      busyWith: () => transactions.busyWith(),
      reverseLater: () => void payments.reversals.flush(),
      announce: (e: TransitionEvent) => engine.announce(e),
    });
  // A delivery's body is read when it is sent: a prompt's from the prompts, built below.
  const bodyFor = (uti: string, event: string | null) => (event?.startsWith('prompt.') ? prompts.webhookBody(uti) : transactions.status(uti)?.body);
  const { dispatcher: webhooks, notices } = wireWebhooks({ outbox, targets, post: overrides.fetch, bodyFor, engine, clock, logger });
  const stopFollowing = followPayments({ engine, screen, finalOf: (uti) => payments.answers.finalDetails(uti), locale: config.locale });
  // The POS's customer display and prompts (src/display, src/prompts), on the screen or the payment app's.
  const currencies = [...new Set([identity.currency, ...(config.currencies ?? [])])];
  const bridgeScreen = appLink && new BridgeScreen(appLink.client, logger);
  const display = createDisplay({ clock, currencies, locale: config.locale, screen, pairing, bridgeScreen });
  const { prompts, promptWaiters } = createPrompts({
    ...{ db, key: overrides.promptKey, clock, ids, logger, locale: config.locale, answerTtlMs: config.promptAnswerTtlS * 1000, storage, screen, pairing, notices, bridgeScreen },
    payment: () => (engine.current.name === 'IDLE' ? undefined : { uti: engine.current.tx.uti, stage: engine.current.name }),
    deliveries: outbox,
    kickWebhooks: () => webhooks.kick(),
  });
  const settlement = wireSettlement(config, {
    ...{ db, open: transactionsRepo, printer: payments.printQueue, busyWith: () => transactions.busyWith(), identity, clock, logger, audit, storage },
    closed: (batch) => {
      keeper?.refresh();
      notices.publish('settlement.closed', batch);
    },
  });
  // The witness vouches for the pairings and the batch: it learns of each change before the POS has its answer.
  for (const event of ['paired', 'unpaired'] as const) pairing.on(event, () => keeper?.refresh());
  pairing.on('paired', (r) => notices.publish('register.paired', r));
  pairing.on('unpaired', (r) => notices.publish('register.unpaired', r));
  const startedAt = clock.now();
  const diagnostics = new DiagnosticsService({
    ...{ db, identity, clock, startedAt, fingerprint, ports, engine, reader, printer, registers, settlement, storage, notes },
    certificateNotAfter: overrides.certificateNotAfter ?? null,
    addresses: screen.state().addresses,
    readerMode: simulator ? config.simMode : 'hardware',
    audit: auditRepo,
    webhooks: () => outbox.counts(),
    transactionCounts: () => transactionsRepo.countsByStatus(),
    clockGuard: payments.clockGuard,
    lastPurge: () => payments.retention.lastPurge(),
    paymentApp: paymentApp ? () => paymentApp.report() : undefined,
  });
  let checkLater = false;

  return {
    ...{ config, db, clock, ids, logger, identity, fingerprint, startedAt, screen, pairing, registers, settings, storage, audit, auditRepo },
    ...{ reader, host, printer, engine, transactions, transactionsRepo, settlement, diagnostics, webhooks, notices },
    clockGuard: payments.clockGuard,
    reversals: payments.reversals,
    retention: payments.retention,
    waiters: payments.waiters,
    feed: payments.feed,
    deliveries: outbox,
    /** The one path every endpoint is served through (http/dispatch.ts). */
    dispatch: createDispatch({ pairing, audit, logger, tid: identity.tid, observe: (err) => storage.observe(err) }),
    /** The simulator, when the reader is simulated: the screen's test-card buttons drive it. */
    simulator,
    /** EPOSD_DRIVER=bridge: the same buttons, forwarded to a test payment app that offers them. */
    bridgeSimulator: paymentApp ? new BridgeSimulatorActions(paymentApp.client) : undefined,
    /** EPOSD_DRIVER=bridge: the payment app's link, driver and reconciliation. */
    paymentApp,
    display,
    prompts,
    promptWaiters,
    /** The terminal's own work, before the API listens: recovery, then timers and the first screen. */
    start(): void {
      // Small databases are checked before the API listens; larger ones once it listens, in a worker.
      checkLater = !storage.checkAtStart(db);
      // What the witness vouches for, from a database found sound: identity, pairings, ids reached.
      if (!storage.corrupt) keeper?.start();
      try {
        // What is already written predates this run: retention counts its age from here at the latest.
        payments.retention.mark('start');
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
      void payments.reversals.flush();
      payments.retention.schedule();
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
    /** The reverse of the build: what follows the payments, the payments, the link, then the records. */
    destroy(): void {
      stopFollowing();
      prompts.stop();
      payments.engine.stop();
      paymentApp?.stop();
      payments.close();
      settlement.stop();
      webhooks.stop();
      pairing.close();
      try {
        // The running time, kept for the next start: after a reboot it is the lower bound.
        if (db.open && !storage.corrupt) payments.retention.mark();
      } catch {
        // a database that takes no writes now keeps the anchor it had
      }
      if (db.open) db.close();
      if (overrides.pairingsDb?.open) overrides.pairingsDb.close();
    },
  };
}
