import { ApiError } from '../shared/errors';
import type { TerminalIdentity } from '../identity/identity';
import type { Printer } from '../printer/printer';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { ReceiptLine } from '../printer/printer';
import { formatAmount } from '../shared/money';
import type { BatchesRepository, BatchRow, OpenBatch } from './batches.repository';
import { lastScheduledAt, nextScheduledAt } from './schedule';
import { batchTotals, type BatchTotals, type StoredTotals } from './totals';

interface Deps {
  batches: BatchesRepository;
  /** The open batch's transactions: the transactions module keeps them. */
  open: OpenBatch & { oldestUnsettledAt(): number | null };
  printer: Printer;
  identity: TerminalIdentity;
  clock: Clock;
  logger: Logger;
  settlementTime: string;
  /** The UTI of the payment the terminal is busy with, if any: a batch never closes under a running payment. */
  busyWith: () => string | undefined;
  /** Records the closes nobody asked for (the schedule's); the routes record the others. */
  onScheduledClose?: (batch: BatchView) => void;
  /** Every close, however it came (settlement.closed). */
  onClosed?: (batch: BatchView) => void;
  /** Throws STORAGE_CORRUPT while the database is damaged: totals read from it cannot be trusted. */
  storage?: { assertWritable(): void };
}

export interface BatchView {
  batchNumber: number;
  status: 'OPEN' | 'CLOSED';
  openedAt: string;
  closedAt?: string;
  closedBy?: string;
  totals: BatchTotals;
  /** Each currency's totals, the terminal's own first: only when the batch holds more than one currency. */
  totalsByCurrency?: BatchTotals[];
}

const iso = (ms: number) => new Date(ms).toISOString();
export const BUSY_RETRY_MS = 60_000;

/**
 * The batch: what has been taken since the last settlement, and closing it (end of day). It closes by
 * itself at the settlement time, and at start-up when the terminal was off at that time.
 */
export class SettlementService {
  private timer: NodeJS.Timeout | undefined;
  /** The settlement time came while a payment was running: try again shortly. */
  private deferred = false;

  constructor(private readonly deps: Deps) {}

  current(): BatchView {
    const { batches, open, identity } = this.deps;
    const last = batches.last();
    const openedAt = last?.closedAt ?? open.oldestUnsettledAt() ?? this.deps.clock.now().getTime();
    return { batchNumber: (last?.id ?? 0) + 1, status: 'OPEN', openedAt: iso(openedAt), ...split(batchTotals(open.unsettled(), identity.currency)) };
  }

  /** Closes the open batch, prints the Z report, and answers the closed batch. */
  close(closedBy: 'POS' | 'SCREEN' | 'SCHEDULE'): BatchView {
    const { batches, open, clock, identity, printer, logger } = this.deps;
    // @NOTE A REVERSAL in progress was checked against an unsettled original; closing the batch under it
    // would settle money that is about to be voided.
    const busy = this.deps.busyWith();
    if (busy) throw new ApiError('TERMINAL_BUSY', 'Settle once the transaction in progress has finished.', { uti: busy });
    this.deps.storage?.assertWritable();
    const opened = batches.last()?.closedAt ?? open.oldestUnsettledAt() ?? clock.now().getTime();
    const batch = batches.close(opened, clock.now().getTime(), closedBy, open, (rows) => batchTotals(rows, identity.currency));
    logger.info({ batch: batch.id, closedBy, net: batch.totals.net }, 'batch settled');
    Promise.resolve()
      .then(() => printer.print(zReport(batch, identity), `Z report ${batch.id}`))
      .catch((err: unknown) => logger.error({ err }, 'Z report not printed'));
    const closed = view(batch);
    this.deps.onClosed?.(closed);
    return closed;
  }

  /** Closes the batch if a settlement time passed since the last close with transactions waiting. */
  settleIfDue(): BatchView | undefined {
    const { batches, open, clock, settlementTime } = this.deps;
    const due = lastScheduledAt(clock.now(), settlementTime).getTime();
    const lastClose = batches.last()?.closedAt ?? 0;
    const oldest = open.oldestUnsettledAt();
    if (lastClose >= due || oldest === null || oldest >= due) return undefined;
    if (this.deps.busyWith()) {
      this.deferred = true;
      return undefined;
    }
    this.deferred = false;
    const batch = this.close('SCHEDULE');
    this.deps.onScheduledClose?.(batch);
    return batch;
  }

  /** Checks now, then at every settlement time. */
  schedule(): void {
    const tick = () => {
      try {
        this.settleIfDue();
      } catch (err) {
        this.deps.logger.error({ err }, 'scheduled settlement failed');
      }
      const now = this.deps.clock.now();
      const wait = this.deferred ? BUSY_RETRY_MS : nextScheduledAt(now, this.deps.settlementTime).getTime() - now.getTime() + 1000;
      this.timer = setTimeout(tick, Math.min(wait, 2 ** 31 - 1)).unref();
    };
    tick();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

function split({ byCurrency, ...totals }: StoredTotals): Pick<BatchView, 'totals' | 'totalsByCurrency'> {
  return byCurrency ? { totals, totalsByCurrency: byCurrency } : { totals };
}

function view(b: BatchRow): BatchView {
  return { batchNumber: b.id, status: 'CLOSED', openedAt: iso(b.openedAt), closedAt: iso(b.closedAt), closedBy: b.closedBy, ...split(b.totals) };
}

function zReport(b: BatchRow, identity: TerminalIdentity): ReceiptLine[] {
  const { byCurrency, ...own } = b.totals as StoredTotals;
  const report = zSection(b, own, identity);
  // Another currency's totals follow the terminal's own, each with its own net, before the end line.
  for (const t of (byCurrency ?? []).slice(1)) report.splice(report.length - 1, 0, [`--- ${t.currency} ---`, '4', 'C', 'B'], ...zSection(b, t, identity).slice(4, -1));
  return report;
}

function zSection(b: BatchRow, t: BatchTotals, identity: TerminalIdentity): ReceiptLine[] {
  const money = (n: number) => formatAmount(n, t.currency);
  const row = (label: string, count: number, amount?: number): ReceiptLine => [`${label} ${count}${amount === undefined ? '' : `  ${money(amount)}`}`, '3', 'L', 'N'];
  return [
    [identity.merchantName, '5', 'C', 'B'],
    ['Z REPORT - SETTLEMENT', '5', 'C', 'B'],
    [`TID: ${identity.tid}  MID: ${identity.mid}`, '3', 'L', 'N'],
    [`BATCH ${b.id}  ${iso(b.openedAt)} - ${iso(b.closedAt)}`, '2', 'L', 'N'],
    row('SALES', t.sales.count, t.sales.amount),
    row('REFUNDS', t.refunds.count, t.refunds.amount),
    row('PRE-AUTHS', t.preauths.count, t.preauths.amount),
    row('COMPLETIONS', t.completions.count, t.completions.amount),
    row('VOIDED', t.voided.count, t.voided.amount),
    ...(t.increments ? [row('INCREMENTS', t.increments.count, t.increments.amount)] : []),
    ...(t.tips ? [row('OF WHICH TIPS', t.tips.count, t.tips.amount)] : []),
    ...(t.cashback ? [row('OF WHICH CASHBACK', t.cashback.count, t.cashback.amount)] : []),
    row('DECLINED', t.declined.count),
    [`NET ${money(t.net)}`, '5', 'R', 'B'],
    ['*** END OF REPORT ***', '3', 'C', 'N'],
  ];
}
