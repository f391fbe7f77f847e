import { LRUCache } from 'lru-cache';

/**
 * The answers of recent requests by correlation id, so that a request delivered twice (MQTT QoS 1 may)
 * runs once: a copy that arrives while the first runs is dropped, one that arrives after is given the
 * same answer again. The answers are bounded in bytes and in age (lru-cache); a request still running
 * is held apart from them and so is never evicted: its copy can never run a second time.
 */
export class RecentAnswers {
  private readonly running = new Set<string>();
  private readonly answers: LRUCache<string, Buffer>;

  /** `clock`: where the answers' age is read (a test's manual clock); each check reads it afresh. */
  constructor(ttlMs: number, maxBytes: number, clock: { now(): number } = performance) {
    this.answers = new LRUCache<string, Buffer>({ ttl: ttlMs, ttlResolution: 0, perf: clock, maxSize: maxBytes, sizeCalculation: (answer, id) => answer.length + id.length });
  }

  /** 'new' (and now running), 'running', or the answer already given. */
  begin(id: string): 'new' | 'running' | { answer: Buffer } {
    if (this.running.has(id)) return 'running';
    const answer = this.answers.get(id);
    if (answer) return { answer };
    this.running.add(id);
    return 'new';
  }

  finish(id: string, answer: Buffer): void {
    if (!this.running.delete(id)) return;
    this.answers.set(id, answer);
  }

  /** A request that never ran, or that has no answer to give again: a copy of it may run. */
  forget(id: string): void {
    this.running.delete(id);
  }

  get size(): number {
    return this.running.size + this.answers.size;
  }

  /** The bytes of the answers kept. */
  get bytes(): number {
    return this.answers.calculatedSize;
  }
}
