import type { Logger } from '../shared/logger';
import { recordAnswer, type OrphanDeps } from '../transactions/recovery';
import { APP, type AppLinkDeps, type PaymentAppLink } from './app-link';
import type { PaymentResult } from './protocol';
import type { Reconciler } from './reconcile';
import { cardColumns, saidOf } from './transaction-fields';
import { UnknownReversals } from './unknown-reversals';

const LATE_APPROVAL = 'payment-app.late-approval';
const UNKNOWN_REVERSED = 'payment-app.unknown-reversed';

export interface LateAnswersDeps {
  link: PaymentAppLink;
  reconciler: Reconciler;
  /** How an interrupted payment's answer is recorded (transactions/recovery.ts). */
  orphans: OrphanDeps;
  audit: AppLinkDeps['audit'];
  /** The audit trail, read: approvals of unknown UTIs a previous run did not get reversed. */
  trail: { unanswered(event: string, outcome: string, closedBy: string): string[] };
  logger: Logger;
}

/**
 * What eposd does with what the app says of payments the driver does not follow (the link's
 * `elsewhere` and `owed`). One a restart left in progress is its answer, recorded by the one rule. An
 * approval eposd does not keep (the payment ended otherwise, or eposd never had that UTI) must not
 * stand: it is reversed through the app, counted, logged and audited.
 */
export class LateAnswers {
  private readonly unknown: UnknownReversals;
  private lateApprovals = 0;

  constructor(private readonly deps: LateAnswersDeps) {
    const { link, audit, trail } = deps;
    this.unknown = new UnknownReversals(
      link.driver,
      {
        owed: () => trail.unanswered(LATE_APPROVAL, 'UNKNOWN_UTI', UNKNOWN_REVERSED),
        answered: (uti, undone) => audit.record(UNKNOWN_REVERSED, undone ? 'REVERSED' : 'NOTHING_TO_REVERSE', APP, uti),
      },
      deps.logger,
    );
    link.client.on('up', () => void this.unknown.flush());
    link.on('elsewhere', (uti, result) => this.elsewhere(uti, result));
    link.on('owed', (uti) => this.owed(uti));
  }

  /** The unknown UTIs a previous run did not get reversed, from the audit trail. */
  start(): void {
    this.unknown.load();
  }

  stop(): void {
    this.unknown.stop();
  }

  get approvals(): number {
    return this.lateApprovals;
  }

  /** A payment eposd ended that the app may still hold (it did not confirm the cancel): reversed through it. */
  private owed(uti: string): void {
    // A cancel cut short by eposd's own stop: the database may be closed. An approval the app sends on the next link is a late one.
    if (this.deps.link.client.state === 'STOPPED') return;
    const { orphans } = this.deps;
    const row = orphans.transactions.findByUti(uti);
    if (!row || row.status === 'IN_PROGRESS' || row.status === 'APPROVED' || row.reversal === 'PENDING') return;
    orphans.transactions.update(row.id, { reversal: 'PENDING' });
    orphans.reverseLater();
  }

  private elsewhere(uti: string, result: PaymentResult): void {
    const { orphans, logger, audit } = this.deps;
    const row = orphans.transactions.findByUti(uti);
    const acquirer = result.outcome === 'APPROVED' || result.outcome === 'DECLINED';
    if (row?.status === 'IN_PROGRESS' && uti !== orphans.busyWith()) {
      // The app's CANCELLED after it acknowledged eposd's cancel: the reconciler ends it as it decided.
      if (!acquirer && this.deps.reconciler.isCancelling(uti)) return;
      return void recordAnswer(orphans, saidOf(uti, result), cardColumns(result));
    }
    if (result.outcome !== 'APPROVED') return logger.info({ uti, outcome: result.outcome }, 'payment app: a result for a payment eposd no longer follows dropped');
    if (row?.status === 'APPROVED') return logger.warn({ uti }, 'payment app: an approval already recorded, sent again: dropped');
    this.lateApprovals += 1;
    audit.record(LATE_APPROVAL, row ? row.status : 'UNKNOWN_UTI', APP, uti);
    if (!row) {
      logger.warn({ uti }, 'payment app approved a UTI eposd never had: reversing it');
      return this.unknown.add(uti);
    }
    // @NOTE Marked at once, in the row, even while the engine is still committing the outcome it decided
    // (which carries no approval): a restart in between must still owe this reversal.
    logger.warn({ uti, status: row.status }, 'payment app approved a payment eposd had ended: reversing it');
    orphans.transactions.update(row.id, { reversal: 'PENDING' });
    orphans.reverseLater();
  }
}
