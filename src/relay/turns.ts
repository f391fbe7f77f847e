/**
 * Work started a few items a turn of the event loop, from setImmediate, at most `max` waiting.
 * @NOTE Relay traffic yields to payments: a burst of relayed status reads never holds the event loop
 * while the card reader or the host answers.
 */
export class TurnQueue<T> {
  private readonly waiting: T[] = [];
  private scheduled = false;

  constructor(
    private readonly run: (item: T) => void,
    private readonly perTurn: number,
    private readonly max: number,
  ) {}

  /** False, and nothing queued, when `max` items wait already. */
  push(item: T): boolean {
    if (this.waiting.length >= this.max) return false;
    this.waiting.push(item);
    this.schedule();
    return true;
  }

  clear(): void {
    this.waiting.length = 0;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      for (const item of this.waiting.splice(0, this.perTurn)) this.run(item);
      if (this.waiting.length > 0) this.schedule();
    });
  }
}
