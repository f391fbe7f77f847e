import { KeyedWaiters } from '../shared/waiters';
import type { PaymentEngine, TransitionEvent } from './engine';

/** Long-poll support: requests waiting for a transaction's outcome, woken by the engine's transition to a final state. */
export class OutcomeWaiters extends KeyedWaiters {
  constructor(engine: PaymentEngine) {
    super();
    engine.on('transition', (e: TransitionEvent) => {
      if (e.outcome) this.wake(e.uti);
    });
  }
}
