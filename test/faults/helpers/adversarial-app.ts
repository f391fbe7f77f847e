import { createServer, type Server } from 'node:net';
import { acceptLinks, type Link } from '../../../src/bridge/link';
import { checkToBridge, PROTOCOL, type BridgeTransaction, type FromBridge, type PaymentResult, type ToBridge } from '../../../src/bridge/protocol';

// A payment app that keeps its own books and plays every trick issue 25 names, chosen per payment by a
// seeded generator: the fault suite's adversary (bridge-adversary.test.ts). It listens on a Unix socket
// in the test's process, so it outlives every SIGKILL of eposd, and remembers every result before it
// sends it, as a payment app must; whatever else it does, its books say what it approved, for which
// UTI and how much, and what it reversed.

export const BEHAVIOURS = [
  'approve',
  'decline',
  'partial00',
  'partial10',
  'overApprove',
  'approveZero',
  'otherUti',
  'twice',
  'late',
  'neverAck',
  'hold',
  'garbage',
  'dropLink',
  'inProgressThenFinal',
] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

/** mulberry32: a small seeded generator, so that a run can be played again from its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CARD = { maskedPan: '47**********0010', entryMode: 'PICC', cvm: 'NO_CVM', aid: 'A0000000031010', applicationLabel: 'VISA CREDIT', cardBrand: 'VISA' } as const;

interface Payment {
  tx: BridgeTransaction;
  total: number;
  behaviour: Behaviour;
  decided: boolean;
}

/** What the app approved of a UTI: the amount, and whether it was reversed since. */
export interface Approval {
  amount: number;
  reversed: boolean;
}

export class AdversarialApp {
  /** Its books: every approval it made, by UTI. */
  readonly approvals = new Map<string, Approval>();
  /** What each behaviour was played, and what eposd asked of it: counted as it happens. */
  readonly counts = { payments: 0, reversalsAsked: 0, reversalsUndone: 0, cancelsAsked: 0, queriesAsked: 0, garbageSent: 0, linksDropped: 0, byBehaviour: {} as Record<string, number> };
  /** The behaviour of the next payment.start. */
  next: Behaviour = 'approve';
  private readonly results = new Map<string, PaymentResult>();
  private readonly inProgressAnswers = new Map<string, number>();
  /** Approvals of UTIs eposd never had: sent again on every new link until reversed (one sent as eposd died may be lost). */
  private readonly strays = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private server: Server | undefined;
  private link: Link | undefined;
  private current: Payment | undefined;
  private seq = 0;

  /** `hostTimeoutMs`: eposd's, so that a late answer can come after it. */
  constructor(
    private readonly random: () => number,
    private readonly hostTimeoutMs: number,
  ) {}

  listen(path: string): Promise<void> {
    const server = createServer();
    this.server = server;
    acceptLinks(server, (link) => this.connect(link));
    return new Promise((resolve) => server.listen(path, resolve));
  }

  close(): void {
    this.timers.forEach(clearTimeout);
    this.link?.close();
    this.server?.close();
  }

  /** Nothing left to do of its own accord: no timer, no payment it is still to decide. */
  get quiet(): boolean {
    return this.timers.size === 0 && (this.current === undefined || this.current.decided);
  }

  private connect(link: Link): void {
    link.onLine((line) => {
      const checked = checkToBridge(line);
      if (!checked.ok) return;
      const m = checked.message;
      if (m.type === 'hello') {
        this.link = link;
        this.send({ type: 'hello.ok', re: m.id, protocol: PROTOCOL, bridge: { name: 'adversary', version: '1' }, capabilities: ['payment', 'query', 'reversal', 'print', 'ping'] });
        // Once eposd has taken the hello.ok: a result it has not yet heard of, sent again.
        return this.later(50, () => {
          for (const uti of this.strays) if (!this.approvals.get(uti)?.reversed) this.send({ type: 'payment.result', id: `r${++this.seq}`, uti, result: this.results.get(uti)! });
        });
      }
      this.handle(m);
    });
    link.onClose(() => {
      if (this.link === link) this.link = undefined;
    });
  }

  private handle(m: Exclude<ToBridge, { type: 'hello' }>): void {
    switch (m.type) {
      case 'payment.start':
        return this.start(m.id, m.transaction);
      case 'payment.cancel':
        return this.cancel(m.id, m.uti, m.reason);
      case 'payment.query':
        return this.query(m.id, m.uti);
      case 'reversal':
        return this.reversal(m.id, m.uti, m.reason);
      case 'ping':
        return this.send({ type: 'pong', re: m.id });
      default:
        return this.send({ type: 'ack', re: m.id });
    }
  }

  private start(id: string, tx: BridgeTransaction): void {
    // A payment eposd gave up on without word (it was killed meanwhile) is dropped, as a cardholder walking away.
    if (this.current && !this.current.decided) this.decide(this.current, { outcome: 'CANCELLED', reason: 'CUSTOMER_CANCELLED' }, false);
    const behaviour = this.next;
    this.counts.payments += 1;
    this.counts.byBehaviour[behaviour] = (this.counts.byBehaviour[behaviour] ?? 0) + 1;
    const total = tx.amountTrans + (typeof tx.tipAmount === 'number' ? tx.tipAmount : 0) + (typeof tx.cashbackAmount === 'number' ? tx.cashbackAmount : 0);
    const p: Payment = { tx, total, behaviour, decided: false };
    // Never acknowledged: it never had it.
    if (behaviour === 'neverAck') return;
    this.current = p;
    this.send({ type: 'ack', re: id });
    this.stage(p, 'CARD_AWAITED');
    const half = Math.max(1, Math.floor(total / 2));
    const soon = () => Math.floor(this.random() * 30);
    switch (behaviour) {
      case 'approve':
      case 'twice':
        return this.later(soon(), () => this.authorise(p, this.approval(total, '00'), behaviour === 'twice' ? 2 : 1));
      case 'decline':
        return this.later(soon(), () => this.authorise(p, { outcome: 'DECLINED', reason: 'DECLINED', responseCode: '05', card: CARD }));
      case 'partial00':
      case 'partial10':
        return this.later(soon(), () => this.authorise(p, this.approval(half, behaviour === 'partial00' ? '00' : '10')));
      case 'overApprove':
        return this.later(soon(), () => this.authorise(p, this.approval(total + 1 + Math.floor(this.random() * 5000), '00')));
      case 'approveZero':
        return this.later(soon(), () => this.authorise(p, this.approval(0, '00')));
      case 'otherUti':
        // An approval it makes, about a UTI eposd never had; the real payment is held.
        return this.later(soon(), () => {
          const stray = `stray-${++this.seq}-${tx.uti}`.slice(0, 64);
          this.strays.add(stray);
          this.result(stray, this.approval(total, '00'));
        });
      case 'garbage':
        return this.later(soon(), () => {
          this.counts.garbageSent += 4;
          this.raw('{"type":"payment.result"');
          this.raw('[]');
          this.raw(JSON.stringify({ type: 'payment.result', id: `g${++this.seq}`, uti: tx.uti, result: { ...this.approval(total, '00'), card: { ...CARD, maskedPan: '4761739001010010' } } }));
          this.raw(JSON.stringify({ type: 'payment.result', id: `g${++this.seq}`, uti: tx.uti, result: { outcome: 'APPROVED', reason: 'APPROVED', responseCode: '05', amountAuthorised: total } }));
          this.authorise(p, this.approval(total, '00'));
        });
      case 'dropLink':
      case 'inProgressThenFinal':
        return this.later(soon(), () => {
          if (behaviour === 'inProgressThenFinal') this.inProgressAnswers.set(tx.uti, 1 + Math.floor(this.random() * 6));
          this.decide(p, this.approval(total, '00'), false);
          this.counts.linksDropped += 1;
          this.link?.close();
        });
      default:
        // hold, late: the cardholder never comes; what eposd's cancel gets decides.
        return;
    }
  }

  /** eposd gives up: the behaviour decides whether the app lets it, keeps it, or misbehaves. */
  private cancel(id: string, uti: string, reason: string): void {
    this.counts.cancelsAsked += 1;
    const p = this.current;
    if (!p || p.tx.uti !== uti || p.decided) return this.send({ type: 'error', re: id, code: 'NOT_IN_PROGRESS', message: 'no such payment in progress' });
    const approveLater = (ms: number) => this.later(ms, () => (p.decided ? undefined : this.authorise(p, this.approval(p.total, '00'))));
    if (p.behaviour === 'late' && this.random() < 0.5) {
      // Says yes, then approves anyway.
      this.send({ type: 'ack', re: id });
      return this.later(20 + Math.floor(this.random() * 200), () => this.result(uti, this.approval(p.total, '00'), p));
    }
    if ((p.behaviour === 'hold' || p.behaviour === 'late') && this.random() < 0.6) {
      this.send({ type: 'error', re: id, code: 'NOT_CANCELLABLE', message: 'the acquirer has it' });
      // Its result: soon, or after eposd's host timeout (then a late approval), or never.
      const r = this.random();
      if (r < 0.4) return approveLater(50 + Math.floor(this.random() * 500));
      if (r < 0.7) return approveLater(this.hostTimeoutMs + 200 + Math.floor(this.random() * 500));
      return;
    }
    this.send({ type: 'ack', re: id });
    this.decide(p, { outcome: 'CANCELLED', reason }, true);
  }

  private query(id: string, uti: string): void {
    this.counts.queriesAsked += 1;
    const left = this.inProgressAnswers.get(uti) ?? 0;
    if (left > 0) {
      this.inProgressAnswers.set(uti, left - 1);
      return this.send({ type: 'payment.status', re: id, uti, state: 'IN_PROGRESS' });
    }
    const known = this.results.get(uti);
    if (known) return this.send({ type: 'payment.status', re: id, uti, state: 'FINAL', result: known });
    const inProgress = this.current?.tx.uti === uti && !this.current.decided;
    this.send({ type: 'payment.status', re: id, uti, state: inProgress ? 'IN_PROGRESS' : 'UNKNOWN' });
  }

  /** Undoes an approval (answered true again when asked again); of a payment in progress, ends it. */
  private reversal(id: string, uti: string, reason: string): void {
    this.counts.reversalsAsked += 1;
    const p = this.current;
    if (p?.tx.uti === uti && !p.decided) this.decide(p, { outcome: 'CANCELLED', reason }, false);
    const approval = this.approvals.get(uti);
    if (approval && !approval.reversed) {
      approval.reversed = true;
      this.counts.reversalsUndone += 1;
    }
    this.send({ type: 'reversal.ok', re: id, uti, reversed: approval !== undefined });
  }

  private authorise(p: Payment, result: PaymentResult, times = 1): void {
    if (p.decided || this.current !== p) return;
    this.stage(p, 'CARD_READ');
    this.stage(p, 'AUTHORISING');
    this.decide(p, result, true);
    for (let i = 1; i < times; i++) this.result(p.tx.uti, result);
  }

  /** Remembered first, then (maybe) told. */
  private decide(p: Payment, result: PaymentResult, tell: boolean): void {
    p.decided = true;
    this.remember(p.tx.uti, result);
    if (tell) this.send({ type: 'payment.result', id: `r${++this.seq}`, uti: p.tx.uti, result });
  }

  /** A result about `uti`, remembered and sent: of its own payment `p` (which it may have agreed to cancel) or of another UTI. */
  private result(uti: string, result: PaymentResult, p?: Payment): void {
    if (p) p.decided = true;
    this.remember(uti, result);
    this.send({ type: 'payment.result', id: `r${++this.seq}`, uti, result });
  }

  private remember(uti: string, result: PaymentResult): void {
    this.results.set(uti, result);
    if (result.outcome === 'APPROVED' && !this.approvals.has(uti)) this.approvals.set(uti, { amount: result.amountAuthorised ?? 0, reversed: false });
  }

  private approval(amount: number, responseCode: '00' | '10'): PaymentResult {
    return { outcome: 'APPROVED', reason: 'APPROVED', responseCode, authCode: `A${(++this.seq).toString(36).toUpperCase()}`.slice(0, 12), amountAuthorised: amount, card: CARD, cardBrand: 'VISA' };
  }

  private stage(p: Payment, stage: 'CARD_AWAITED' | 'CARD_READ' | 'AUTHORISING'): void {
    this.send({ type: 'payment.stage', id: `s${++this.seq}`, uti: p.tx.uti, stage, ...(stage === 'CARD_READ' ? { card: CARD } : {}) });
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private send(m: FromBridge): void {
    this.link?.send(JSON.stringify(m));
  }

  private raw(line: string): void {
    this.link?.send(line);
  }
}
