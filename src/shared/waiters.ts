/**
 * Long-poll support: requests waiting for something keyed (a transaction's outcome, a prompt's end),
 * woken by `wake(key)`. Each waiter holds one timer, for its own deadline; nothing polls.
 */
export class KeyedWaiters {
  private readonly waiting = new Map<string, Set<() => void>>();

  /** Resolves when `key` is woken, after `ms`, or when `signal` aborts, whichever is first. */
  wait(key: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiting.get(key) ?? new Set();
      this.waiting.set(key, set);
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        set.delete(done);
        if (set.size === 0 && this.waiting.get(key) === set) this.waiting.delete(key);
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

  wake(key: string): void {
    for (const done of [...(this.waiting.get(key) ?? [])]) done();
  }
}
