import { appendFileSync } from 'node:fs';
import type { IdGenerator } from '../shared/ids';
import type { Logger } from '../shared/logger';
import { behaviourFor } from '../reader/simulator/test-amounts';
import { cardFromHostData } from '../reader/simulator/test-cards';
import type { AuthorizationRequest, HostAnswer, PaymentHost } from './payment-host';

export interface HostSimulatorOptions {
  authDelayMs: number;
  /** How late the host answers a 91 amount: past the terminal's host timeout, so the answer is dropped. */
  lateAnswerMs: number;
  ids: IdGenerator;
  logger: Logger;
  /**
   * A file where each message is recorded as a JSON line the moment it arrives, written synchronously:
   * the acquirer's own record, which a crash of the terminal cannot take back. For tests that count
   * what the host was asked (EPOSD_SIM_HOST_JOURNAL).
   */
  journal?: string;
}

/** The acquirer, simulated: it answers after the auth delay, and counts what it was asked. */
export class SimulatedHost implements PaymentHost {
  readonly authorizations: string[] = [];
  readonly reversals: string[] = [];

  constructor(private readonly opts: HostSimulatorOptions) {}

  async authorize(req: AuthorizationRequest): Promise<HostAnswer> {
    this.authorizations.push(req.uti);
    this.record({ message: 'authorization', uti: req.uti, transType: req.transType });
    // The test amounts read amountTrans, what the POS typed: a tip or cashback does not change the outcome.
    const behaviour = behaviourFor(req.amount - (req.tipAmount ?? 0) - (req.cashbackAmount ?? 0));
    if (behaviour.kind === 'HOST_TIMEOUT') {
      await this.wait(this.opts.lateAnswerMs);
      return { responseCode: '91', authCode: null };
    }
    await this.wait(this.opts.authDelayMs);
    if (req.transType === 'COMPLETION') return { responseCode: '00', authCode: req.originalAuthCode };
    if (req.transType === 'REVERSAL') return { responseCode: '00', authCode: null };
    if (req.transType === 'INCREMENT') return behaviour.kind === 'INCREMENT_DECLINE' ? { responseCode: '05', authCode: null } : { responseCode: '00', authCode: req.originalAuthCode };
    if (cardFromHostData(req.hostData)?.declines) return { responseCode: '05', authCode: null };
    if (behaviour.kind === 'DECLINE') return { responseCode: behaviour.responseCode, authCode: null };
    if (behaviour.kind === 'DECLINE_AFTER_PIN') return { responseCode: '55', authCode: null };
    if (behaviour.kind === 'PARTIAL' && (req.transType === 'SALE' || req.transType === 'PREAUTH')) {
      if (!req.allowPartialApproval) return { responseCode: '51', authCode: null };
      return { responseCode: '00', authCode: this.opts.ids.authCode(), amountAuthorised: Math.floor(req.amount / 2) };
    }
    return { responseCode: '00', authCode: this.opts.ids.authCode() };
  }

  async reverse(uti: string, reason: string): Promise<boolean> {
    this.record({ message: 'reversal', uti, reason });
    await this.wait(this.opts.authDelayMs);
    this.reversals.push(uti);
    this.opts.logger.info({ uti, reason }, 'simulated host: reversal received');
    // The simulated acquirer keeps no ledger to look in: it takes every reversal as undoing an authorisation.
    return true;
  }

  private record(entry: Record<string, string>): void {
    if (this.opts.journal) appendFileSync(this.opts.journal, `${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`);
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms).unref());
  }
}
