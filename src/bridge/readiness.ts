import { ApiError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { BridgeClient, BridgeState } from './client';

/** Whether payments can be taken through the bridge, and if not why: the link's state, or reconciliation. */
export type ReadinessState = 'READY' | 'RECONCILING' | Exclude<BridgeState, 'CONNECTED'>;

/** What /health lists while payments cannot be taken (docs/bridge.md, "Readiness"). */
export type PaymentAppProblem = 'PAYMENT_APP_UNAVAILABLE' | 'PAYMENT_APP_INCOMPATIBLE' | 'PAYMENT_APP_UNTRUSTED' | 'PAYMENT_APP_RECONCILING';

const WHY: Record<Exclude<ReadinessState, 'READY'>, string> = {
  RECONCILING: 'The terminal is reconciling an interrupted payment with the payment application. Try again shortly.',
  INCOMPATIBLE: 'The payment application speaks another version of the bridge protocol. Call a technician.',
  UNTRUSTED: 'The payment application could not prove who it is. Call a technician.',
  CONNECTING: 'The payment application is not connected. Try again shortly.',
  DISCONNECTED: 'The payment application is not connected. Try again shortly.',
  STOPPED: 'The terminal is stopping.',
};

const PROBLEMS: Record<Exclude<ReadinessState, 'READY'>, PaymentAppProblem> = {
  RECONCILING: 'PAYMENT_APP_RECONCILING',
  INCOMPATIBLE: 'PAYMENT_APP_INCOMPATIBLE',
  UNTRUSTED: 'PAYMENT_APP_UNTRUSTED',
  CONNECTING: 'PAYMENT_APP_UNAVAILABLE',
  DISCONNECTED: 'PAYMENT_APP_UNAVAILABLE',
  STOPPED: 'PAYMENT_APP_UNAVAILABLE',
};

/** How often a start that waits for the app looks again. */
const WAIT_STEP_MS = 25;

/**
 * Readiness for payments with EPOSD_DRIVER=bridge: what the ready line, start(), /health and a refused
 * payment say. A payment refused because of it is a warning once per change of state (with the link's
 * last error), never an error per request.
 */
export class Readiness {
  private warned: ReadinessState | undefined;

  constructor(
    private readonly client: BridgeClient,
    private readonly reconciling: () => boolean,
    private readonly logger: Logger,
  ) {
    // Back: a later outage is a change of state again, worth its own warning.
    client.on('up', () => (this.warned = undefined));
  }

  state(): ReadinessState {
    const s = this.client.state;
    if (s !== 'CONNECTED') return s;
    return this.reconciling() ? 'RECONCILING' : 'READY';
  }

  /** Why a new payment is refused now, or undefined when it can be taken. */
  refusal(): string | undefined {
    const s = this.state();
    if (s === 'READY') return undefined;
    if (this.warned !== s) {
      this.warned = s;
      this.logger.warn({ readiness: s, lastError: this.client.lastError }, `payments are refused until the payment application is ready: ${s}`);
    }
    return WHY[s];
  }

  problem(): PaymentAppProblem | undefined {
    const s = this.state();
    return s === 'READY' ? undefined : PROBLEMS[s];
  }

  /** Resolves with the state once payments can be taken, or when `ms` have passed. */
  async whenReady(ms: number): Promise<ReadinessState> {
    const deadline = performance.now() + ms;
    while (this.state() !== 'READY' && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, Math.min(WAIT_STEP_MS, Math.max(1, deadline - performance.now()))));
    }
    return this.state();
  }
}

/** How long a POS is told to wait before trying a new payment again, in seconds. */
export const RETRY_AFTER_S = 2;

export function unavailable(detail: string): ApiError {
  const err = new ApiError('PAYMENT_APP_UNAVAILABLE', detail, { retryAfter: RETRY_AFTER_S });
  err.headers['Retry-After'] = String(RETRY_AFTER_S);
  // Logged once per change of the app's state (PaymentApp), not once per refused request.
  err.reported = true;
  return err;
}
