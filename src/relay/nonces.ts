import { LRUCache } from 'lru-cache';

/**
 * The nonces of signed relayed requests already received, so that none runs twice (docs/relay.md).
 * A nonce is kept for twice the clock tolerance: a request is accepted while its time is within the
 * tolerance of the terminal's clock, so a copy can never be accepted after its nonce is forgotten.
 * @NOTE Bounded: when a burst fills the cache, the newest time among the evicted becomes a floor, and
 * every request signed at or before it is refused. A forgotten nonce can never be replayed.
 */
export class NonceGuard {
  private floor = -Infinity;
  private readonly seen: LRUCache<string, number>;

  constructor(ttlMs: number, max: number) {
    this.seen = new LRUCache<string, number>({
      max,
      ttl: ttlMs,
      dispose: (time, _key, reason) => {
        if (reason === 'evict') this.floor = Math.max(this.floor, time);
      },
    });
  }

  /** True the first time `nonce` comes (signed at `time`); false for a copy, or for a time at or below the floor. */
  use(nonce: string, time: number): boolean {
    if (time <= this.floor || this.seen.has(nonce)) return false;
    this.seen.set(nonce, time);
    return true;
  }
}
