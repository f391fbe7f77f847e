import type { Config } from '../config/config';
import { Checkpoints } from '../db/checkpoints';
import type { Db } from '../db/open';
import type { StorageHealth } from '../db/storage-health';
import type { PaymentHost } from '../host/payment-host';
import type { TerminalIdentity } from '../identity/identity';
import type { SettingsRepository } from '../identity/settings.repository';
import type { Printer } from '../printer/printer';
import { PrintQueue } from '../printer/print-queue';
import type { CardReader } from '../reader/card-reader';
import type { Clock } from '../shared/clock';
import type { IdGenerator } from '../shared/ids';
import type { Logger } from '../shared/logger';
import type { Refusal } from './answer-rule';
import { ClockGuard, type Monotonic } from './clock-guard';
import { PaymentEngine, type EngineTimings, type TransitionEvent } from './engine';
import { EventFeed } from './event-feed';
import type { Ledger } from './ledger';
import { Money } from './money';
import { Retention, type PurgedTable } from './retention';
import { Reversals } from './reversals';
import { TransactionSearch } from './search';
import { StatusAnswers } from './status-answers';
import type { TransactionsRepository } from './transactions.repository';
import { TransactionService } from './transactions.service';
import { OutcomeWaiters } from './waiters';

const COMMIT_RETRY_MS = 1_000;
const PRINT_TIMEOUT_MS = 30_000;

export interface PaymentsDeps {
  config: Config;
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  identity: TerminalIdentity;
  storage: StorageHealth;
  /** Every write of a payment's records (ledger.ts). */
  ledger: Ledger;
  transactions: TransactionsRepository;
  settings: SettingsRepository;
  /** The webhook outbox, which retention purges. */
  outbox: PurgedTable;
  /** The audit trail, which retention purges. */
  audit: PurgedTable;
  reader: CardReader;
  host: PaymentHost;
  printer: Printer;
  /** EPOSD_DRIVER=bridge: new payments wait for the payment app; answers it gives that are refused go to it. */
  paymentApp?: { assertAvailable(): void; refused(uti: string, refusal: Refusal): void };
  timings?: Partial<EngineTimings>;
  monotonic?: Monotonic;
  /** Throws 409 TERMINAL_BUSY while something else has the screen (a POS's prompt). */
  screenBusy?: () => void;
}

/** The payments domain, built in order: the print queue and reversals, the engine, then what reads and keeps the records. */
export function wirePayments(d: PaymentsDeps) {
  const { config, db, clock, logger, identity, storage, transactions: repository } = d;
  const { ledger } = d;
  const printQueue = new PrintQueue(d.printer);
  const reversals = new Reversals({ transactions: repository, host: d.host, logger });
  const answers = new StatusAnswers(repository, identity);
  const engine = new PaymentEngine({
    ledger,
    reader: d.reader,
    host: d.host,
    printer: printQueue,
    clock,
    logger,
    timings: { cardTimeoutMs: config.cardTimeoutMs, hostTimeoutMs: config.hostTimeoutMs, commitRetryMs: COMMIT_RETRY_MS, printTimeoutMs: PRINT_TIMEOUT_MS, ...d.timings },
    receiptsOf: (uti) => answers.finalDetails(uti)?.receipts,
    reverseLater: () => void reversals.flush(),
    refused: (uti, refusal) => (d.paymentApp ? d.paymentApp.refused(uti, refusal) : logger.warn({ uti, refusal }, 'host: an answer refused, not recorded as given')),
  });
  // A payment's receipts first: no job a POS asked for starts while a payment prints.
  engine.on('transition', (e: TransitionEvent) => (e.to === 'PRINTING' ? printQueue.hold() : e.from === 'PRINTING' && printQueue.resume()));
  // The POS waiting for an outcome is answered before anything else follows the transition.
  const waiters = new OutcomeWaiters(engine);
  const feed = new EventFeed(db, engine);
  const currencies = [...new Set([identity.currency, ...(config.currencies ?? [])])];
  const money = new Money({ defaultCurrency: identity.currency, currencies, cashbackMax: config.cashbackMax, unlinkedRefunds: config.unlinkedRefunds, refundMax: config.refundMax }, repository);
  const transactions = new TransactionService({
    transactions: repository,
    printer: printQueue,
    engine,
    identity,
    clock,
    ids: d.ids,
    search: new TransactionSearch(db),
    storage,
    voidAnyRegister: config.voidAnyRegister,
    paymentApp: d.paymentApp,
    money,
    answers,
    screenBusy: d.screenBusy,
  });
  const clockGuard = new ClockGuard({ clock, logger, settings: d.settings, newestCommitted: () => repository.newestCreatedAt(), monotonic: d.monotonic });
  const retention = new Retention(db, { clock, logger, retentionDays: config.retentionDays, audit: d.audit, deliveries: d.outbox, guard: clockGuard, frozen: () => storage.corrupt });
  const checkpoints = new Checkpoints(db, { logger, idle: () => engine.current.name === 'IDLE' });
  engine.on('transition', (e: TransitionEvent) => e.to === 'IDLE' && checkpoints.paymentEnded());
  return {
    printQueue,
    reversals,
    answers,
    engine,
    waiters,
    feed,
    transactions,
    clockGuard,
    retention,
    /** After the engine's stop (context.ts: the payment app stops between them). */
    close(): void {
      reversals.stop();
      retention.stop();
      checkpoints.stop();
    },
  };
}

export type Payments = ReturnType<typeof wirePayments>;
