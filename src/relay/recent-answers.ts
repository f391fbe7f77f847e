/**
 * The answers of recent requests by correlation id, so that a request delivered twice (MQTT QoS 1 may)
 * runs once: a copy that arrives while the first runs is dropped, one that arrives after is given the
 * same answer again. Bounded in count and in age.
 */
export class RecentAnswers<A> {
  private readonly entries = new Map<string, { at: number; answer?: A }>();

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** 'new' (and now running), 'running', or the answer already given. */
  begin(id: string): 'new' | 'running' | { answer: A } {
    this.sweep();
    const seen = this.entries.get(id);
    if (seen) return seen.answer === undefined ? 'running' : { answer: seen.answer };
    this.entries.set(id, { at: this.now() });
    return 'new';
  }

  finish(id: string, answer: A): void {
    const entry = this.entries.get(id);
    if (entry) entry.answer = answer;
  }

  get size(): number {
    return this.entries.size;
  }

  private sweep(): void {
    const oldest = this.now() - this.ttlMs;
    // A Map iterates in insertion order: the oldest first.
    for (const [id, entry] of this.entries) {
      if (entry.at >= oldest && this.entries.size < this.max) break;
      this.entries.delete(id);
    }
  }
}
