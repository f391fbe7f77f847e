import type { Link } from '../bridge/link';
import { checkFromBridge, type FromBridge, type PaymentResult, type ToBridge } from '../bridge/protocol';

/** One connection of the kit to the app: what it sent (checked against the schema), and a way to wait for a given message. */
export class Session {
  private readonly inbox: FromBridge[] = [];
  private readonly waiting = new Set<() => void>();
  readonly invalid: string[] = [];
  closed = false;
  private seq = 0;

  constructor(
    private readonly link: Link,
    private readonly timeoutMs: number,
  ) {
    link.onLine((line) => {
      const checked = checkFromBridge(line);
      if (!checked.ok) this.invalid.push(checked.problem);
      else this.inbox.push(checked.message);
      this.waiting.forEach((w) => w());
    });
    link.onClose(() => {
      this.closed = true;
      this.waiting.forEach((w) => w());
    });
  }

  id(): string {
    return `c${++this.seq}`;
  }

  send(m: ToBridge | string): void {
    this.link.send(typeof m === 'string' ? m : JSON.stringify(m));
  }

  /** The first message (already in or still to come) that `match` accepts; it is taken from the inbox. */
  async take<T extends FromBridge>(what: string, match: (m: FromBridge) => m is T): Promise<T>;
  async take(what: string, match: (m: FromBridge) => boolean): Promise<FromBridge>;
  async take(what: string, match: (m: FromBridge) => boolean): Promise<FromBridge> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex(match);
      if (i >= 0) return this.inbox.splice(i, 1)[0]!;
      if (this.invalid.length > 0) throw new Error(`it sent a message the schema refuses: ${this.invalid[0]}`);
      if (this.closed) throw new Error(`the connection closed while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.timeoutMs} ms passed without ${what}`);
      await this.wake(left);
    }
  }

  reply(re: string, what: string): Promise<FromBridge> {
    return this.take(what, (m) => 're' in m && m.re === re);
  }

  result(uti: string): Promise<PaymentResult> {
    return this.take(`payment.result for ${uti}`, (m) => m.type === 'payment.result' && m.uti === uti).then((m) => (m as Extract<FromBridge, { type: 'payment.result' }>).result);
  }

  /** Resolves true once the app has closed the connection, false if it is still open after `ms`. */
  async closedWithin(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) await this.wake(deadline - Date.now());
    return this.closed;
  }

  /** Whether a message `match` accepts arrives within `ms` (it is left in the inbox). */
  async arrives(match: (m: FromBridge) => boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.inbox.some(match) && !this.closed && Date.now() < deadline) await this.wake(deadline - Date.now());
    return this.inbox.some(match);
  }

  private wake(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const w = () => (this.waiting.delete(w), clearTimeout(t), resolve());
      const t = setTimeout(w, Math.max(1, ms));
      this.waiting.add(w);
    });
  }

  close(): void {
    this.link.close();
  }
}
