import type { Logger } from '../shared/logger';
import { endOrphan, orphans, recordAnswer, type OrphanDeps } from '../transactions/recovery';
import { BridgeError, type BridgeClient } from './client';
import type { Status } from './queries';
import { cardColumns, saidOf } from './transaction-fields';

/** How often a transaction the app still has in progress is asked about again while reconciling. */
export const REASK_MS = 250;

export interface ReconcilerDeps extends OrphanDeps {
  client: BridgeClient;
  logger: Logger;
  query(uti: string): Promise<Status>;
  /** How long, after a restart or a lost link, the app has to account for what was left in progress. */
  graceMs: number;
  /** How long a result the app could not cancel (the acquirer has it) is awaited: the host timeout. */
  hostTimeoutMs: number;
}

/**
 * Reconcile before failing (docs/bridge.md): every transaction a restart left IN_PROGRESS is asked
 * about until the app accounts for it: a result it has is judged and recorded, one it never saw ends
 * FAILED / TERMINAL_RESTARTED. Once the time to reconcile is up, what it still has in progress is
 * cancelled first: confirmed, FAILED / TERMINAL_RESTARTED; NOT_CANCELLABLE, asked about until its result
 * comes or the host timeout passes; no answer (or no app), FAILED / PAYMENT_APP_UNAVAILABLE, reversed.
 */
export class Reconciler {
  /** True while anything is left to reconcile: new payments wait (503). */
  open = true;
  private deadline: number;
  /** Orphans the app could not cancel: until when their result is awaited (monotonic ms). */
  private readonly awaited = new Map<string, number>();
  /** Orphans whose payment.cancel is out: the app's CANCELLED result that follows its ack is that ack's. */
  private readonly cancelling = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly deps: ReconcilerDeps) {
    // The deadline is a duration on the monotonic clock: the wall clock may jump.
    this.deadline = performance.now() + deps.graceMs;
    deps.client.on('up', () => this.soon(true));
    deps.client.on('down', () => (this.deadline = performance.now() + deps.graceMs));
  }

  start(): void {
    this.soon(false);
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private soon(now: boolean): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.reconcile(), now ? 0 : REASK_MS).unref();
  }

  private reconcile(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<void> {
    try {
      let left = 0;
      for (const tx of orphans(this.deps)) if (!(await this.settle(tx.uti))) left += 1;
      this.open = left > 0;
      if (!this.open && this.deps.client.connected) this.deps.reverseLater();
      if (this.open) this.soon(false);
    } catch (err) {
      this.deps.logger.error({ err }, 'could not reconcile with the payment app; will retry');
      this.soon(false);
    }
  }

  /** One orphan, one step: true once it is no longer open. */
  private async settle(uti: string): Promise<boolean> {
    const { client } = this.deps;
    if (client.connected) {
      const status = await this.deps.query(uti).catch((err: unknown) => {
        this.deps.logger.warn({ uti, code: (err as BridgeError).code }, 'payment app could not be asked about an interrupted transaction');
        return undefined;
      });
      if (status?.state === 'FINAL') return recordAnswer(this.deps, saidOf(uti, status.result), cardColumns(status.result)) !== 'REFUSED';
      if (status?.state === 'UNKNOWN') return this.end(uti, false);
    }
    const now = performance.now();
    if (now < this.deadline) return false;
    const awaited = this.awaited.get(uti);
    if (awaited !== undefined) return now < awaited ? false : this.end(uti, true);
    if (!client.connected) return this.end(uti, true);
    this.cancelling.add(uti);
    try {
      await client.request<'ack'>({ type: 'payment.cancel', uti, reason: 'TERMINAL_RESTARTED' });
      return this.end(uti, false);
    } catch (err) {
      const code = err instanceof BridgeError ? err.code : 'ERROR';
      this.deps.logger.warn({ uti, code }, 'payment app: cancel of an interrupted transaction not confirmed');
      if (code !== 'NOT_CANCELLABLE' && code !== 'NOT_IN_PROGRESS') return this.end(uti, true);
      this.awaited.set(uti, performance.now() + this.deps.hostTimeoutMs);
      return false;
    } finally {
      this.cancelling.delete(uti);
    }
  }

  /** Whether eposd is cancelling this orphan right now (its end is the cancel's). */
  isCancelling(uti: string): boolean {
    return this.cancelling.has(uti);
  }

  /** Not accounted for: FAILED, reversed through the app (it may hold an approval); or, with nothing held, TERMINAL_RESTARTED. */
  private end(uti: string, mayHold: boolean): true {
    this.awaited.delete(uti);
    const outcome = mayHold ? { status: 'FAILED' as const, statusReason: 'PAYMENT_APP_UNAVAILABLE', reversal: 'PENDING' as const } : { status: 'FAILED' as const, statusReason: 'TERMINAL_RESTARTED' };
    endOrphan(this.deps, uti, outcome, outcome.statusReason);
    return true;
  }
}
