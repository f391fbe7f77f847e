import type { PaymentEngine, TransitionEvent } from './engine';

/**
 * Long-poll support: requests waiting for a transaction's outcome, woken by the engine's transition
 * to a final state. Each waiter holds one timer, for its own deadline; nothing polls.
 */
export class OutcomeWaiters {
  private readonly waiting = new Map<string, Set<() => void>>();

  constructor(engine: PaymentEngine) {
    engine.on('transition', (e: TransitionEvent) => {
      if (e.outcome) this.wake(e.uti);
    });
  }

  /** Resolves when the outcome of `uti` is committed, after `ms`, or when `signal` aborts, whichever is first. */
  wait(uti: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiting.get(uti) ?? new Set();
      this.waiting.set(uti, set);
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        set.delete(done);
        if (set.size === 0 && this.waiting.get(uti) === set) this.waiting.delete(uti);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done);
      set.add(done);
    });
  }

  get count(): number {
    let n = 0;
    for (const s of this.waiting.values()) n += s.size;
    return n;
  }

  private wake(uti: string): void {
    for (const done of [...(this.waiting.get(uti) ?? [])]) done();
  }
}
