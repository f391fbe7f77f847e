import { randomBytes } from 'node:crypto';
import type { Connector, Link } from '../bridge/link';
import { checkFromBridge, DISPLAY_CAPABILITY, PROMPT_CAPABILITY, PROTOCOL, SIMULATOR_CAPABILITY, type FromBridge, type PaymentResult, type ToBridge } from '../bridge/protocol';

/*
 * The conformance kit: checks a payment app's bridge (any implementation) against eposd-bridge/1, as
 * eposd uses it. The app runs with its test host, which follows the test amounts of eposd's simulator
 * (docs/bridge.md): 1000 approves, 1005 declines 05, 1098 never presents a card.
 */

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  /** An optional check the bridge does not offer (it advertises no capability for it): neither passed nor failed. */
  skipped?: boolean;
}

export interface ConformanceOptions {
  connect: Connector;
  secret?: string;
  /** How long each answer may take. */
  timeoutMs?: number;
  /** Runs only the checks whose name it accepts (a manual-mode app, which would leave the others' payments waiting). */
  only?: (name: string) => boolean;
}

class Session {
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
      if (left <= 0) throw new Error(`no ${what} within ${this.timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const w = () => (this.waiting.delete(w), clearTimeout(t), resolve());
        const t = setTimeout(w, left);
        this.waiting.add(w);
      });
    }
  }

  reply(re: string, what: string): Promise<FromBridge> {
    return this.take(what, (m) => 're' in m && m.re === re);
  }

  result(uti: string): Promise<PaymentResult> {
    return this.take(`payment.result for ${uti}`, (m) => m.type === 'payment.result' && m.uti === uti).then((m) => (m as Extract<FromBridge, { type: 'payment.result' }>).result);
  }

  close(): void {
    this.link.close();
  }
}

const uti = () => `conf-${randomBytes(6).toString('hex')}`;
const sale = (u: string, amountTrans: number) => ({ uti: u, transType: 'SALE', amountTrans, currency: 'EUR', registerId: 'conformance', disablePrinting: true });

function expect(ok: boolean, detail: string): void {
  if (!ok) throw new Error(detail);
}

/** Runs every check in order on fresh connections; answers each check's verdict. */
export async function runConformance(opts: ConformanceOptions): Promise<CheckResult[]> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const results: CheckResult[] = [];
  const open = async (): Promise<Session> => new Session(await opts.connect(), timeoutMs);
  const hello = async (s: Session, protocols = [PROTOCOL]) => {
    const id = s.id();
    s.send({ type: 'hello', id, protocols, client: { name: 'eposd-conformance', version: '1' }, ...(opts.secret ? { secret: opts.secret } : {}) });
    return s.reply(id, 'an answer to hello');
  };
  const SKIPPED = Symbol('skipped');
  const check = async (name: string, body: (s: Session) => Promise<string | typeof SKIPPED>) => {
    if (opts.only && !opts.only(name)) return;
    let s: Session | undefined;
    try {
      s = await open();
      const detail = await body(s);
      results.push(detail === SKIPPED ? { name, ok: true, detail: 'not offered (optional)', skipped: true } : { name, ok: true, detail });
    } catch (err) {
      results.push({ name, ok: false, detail: (err as Error).message });
    } finally {
      s?.close();
    }
  };
  const greeted = async (s: Session) => {
    const h = await hello(s);
    expect(h.type === 'hello.ok', `hello answered ${h.type}`);
  };
  const start = async (s: Session, u: string, amount: number) => {
    const id = s.id();
    s.send({ type: 'payment.start', id, transaction: sale(u, amount) });
    const a = await s.reply(id, 'an ack of payment.start');
    expect(a.type === 'ack', `payment.start answered ${a.type}${a.type === 'error' ? ` ${a.code}` : ''}`);
  };
  let approvedUti = '';

  await check('hello: agrees on eposd-bridge/1 and lists its capabilities', async (s) => {
    const h = await hello(s);
    expect(h.type === 'hello.ok' && h.protocol === PROTOCOL, `hello answered ${JSON.stringify(h).slice(0, 120)}`);
    return `protocol ${PROTOCOL}`;
  });
  await check('hello: refuses a protocol version it does not speak (UNSUPPORTED_VERSION)', async (s) => {
    const h = await hello(s, ['eposd-bridge/999']);
    expect(h.type === 'error' && h.code === 'UNSUPPORTED_VERSION', `hello with eposd-bridge/999 answered ${h.type}`);
    return 'refused';
  });
  await check('a sale of 1000 is approved, with stage events and a masked PAN', async (s) => {
    await greeted(s);
    const u = uti();
    await start(s, u, 1000);
    const r = await s.result(u);
    expect(r.outcome === 'APPROVED' && r.responseCode === '00', `outcome ${r.outcome} ${r.responseCode ?? ''}`);
    await s.take('a CARD_READ stage event', (m) => m.type === 'payment.stage' && m.uti === u && m.stage === 'CARD_READ');
    approvedUti = u;
    return `approved, auth code ${r.authCode ?? '(none)'}`;
  });
  await check('a sale of 1005 is declined with response code 05', async (s) => {
    await greeted(s);
    const u = uti();
    await start(s, u, 1005);
    const r = await s.result(u);
    expect(r.outcome === 'DECLINED' && r.responseCode === '05', `outcome ${r.outcome} ${r.responseCode ?? ''}`);
    return 'declined 05';
  });
  await check('payment.cancel while it waits for a card ends it CANCELLED', async (s) => {
    await greeted(s);
    const u = uti();
    await start(s, u, 1098);
    const id = s.id();
    s.send({ type: 'payment.cancel', id, uti: u });
    const a = await s.reply(id, 'an answer to payment.cancel');
    expect(a.type === 'ack', `payment.cancel answered ${a.type}`);
    const r = await s.result(u);
    expect(r.outcome === 'CANCELLED', `outcome ${r.outcome}`);
    return `cancelled (${r.reason})`;
  });
  await check('payment.query of a known UTI answers its final result; of an unknown one, UNKNOWN', async (s) => {
    expect(approvedUti !== '', 'no approved sale to ask about');
    await greeted(s);
    const id = s.id();
    s.send({ type: 'payment.query', id, uti: approvedUti });
    const known = await s.reply(id, 'an answer to payment.query');
    expect(known.type === 'payment.status' && known.state === 'FINAL' && known.result?.outcome === 'APPROVED', `known UTI: ${JSON.stringify(known).slice(0, 120)}`);
    const id2 = s.id();
    s.send({ type: 'payment.query', id: id2, uti: uti() });
    const unknown = await s.reply(id2, 'an answer to payment.query');
    expect(unknown.type === 'payment.status' && unknown.state === 'UNKNOWN', `unknown UTI: ${JSON.stringify(unknown).slice(0, 120)}`);
    return 'FINAL / UNKNOWN';
  });
  await check('reversal of the approved sale is confirmed (reversed: true), and of an unknown UTI answered (reversed: false)', async (s) => {
    expect(approvedUti !== '', 'no approved sale to reverse');
    await greeted(s);
    const id = s.id();
    s.send({ type: 'reversal', id, uti: approvedUti, reason: 'TERMINAL_RESTARTED' });
    const r = await s.reply(id, 'an answer to reversal');
    expect(r.type === 'reversal.ok' && r.reversed, `reversal answered ${JSON.stringify(r).slice(0, 120)}`);
    const id2 = s.id();
    s.send({ type: 'reversal', id: id2, uti: uti(), reason: 'TERMINAL_RESTARTED' });
    const r2 = await s.reply(id2, 'an answer to reversal');
    expect(r2.type === 'reversal.ok' && !r2.reversed, `reversal of an unknown UTI answered ${JSON.stringify(r2).slice(0, 120)}`);
    return 'reversed';
  });
  await check('print and ping are answered', async (s) => {
    await greeted(s);
    const id = s.id();
    s.send({ type: 'print', id, lines: [['CONFORMANCE', '2', 'C', 'B']] });
    expect((await s.reply(id, 'an answer to print')).type === 'ack', 'print not acknowledged');
    const id2 = s.id();
    s.send({ type: 'ping', id: id2 });
    expect((await s.reply(id2, 'a pong')).type === 'pong', 'ping not answered with pong');
    return 'ack, pong';
  });
  await check('malformed input is rejected with an error, and the link stays usable', async (s) => {
    await greeted(s);
    s.send('this is not JSON');
    await s.take('an error for a line that is not JSON', (m) => m.type === 'error');
    const bad = s.id();
    s.send(JSON.stringify({ type: 'payment.start', id: bad, transaction: { amountTrans: -5 } }));
    const e = await s.reply(bad, 'an error for an invalid payment.start');
    expect(e.type === 'error', `an invalid payment.start answered ${e.type}`);
    const odd = s.id();
    s.send(JSON.stringify({ type: 'payment.teleport', id: odd }));
    const e2 = await s.reply(odd, 'an error for an unknown message type');
    expect(e2.type === 'error', `an unknown type answered ${e2.type}`);
    const id = s.id();
    s.send({ type: 'ping', id });
    expect((await s.reply(id, 'a pong after the garbage')).type === 'pong', 'no pong after the garbage');
    return 'rejected, still answering';
  });
  await check('a request before hello is refused', async (s) => {
    const id = s.id();
    s.send({ type: 'ping', id });
    const r = await s.reply(id, 'an answer to ping before hello');
    expect(r.type === 'error', `ping before hello answered ${r.type}`);
    return 'refused';
  });
  // Optional: only a test payment app that lists the capability "simulator" takes the screen page's buttons.
  await check('simulator.action (optional, capability "simulator"): refused when nothing waits, a presented card approves 1098', async (s) => {
    const h = await hello(s);
    expect(h.type === 'hello.ok', `hello answered ${h.type}`);
    if (h.type !== 'hello.ok' || !h.capabilities.includes(SIMULATOR_CAPABILITY)) return SKIPPED;
    const early = s.id();
    s.send({ type: 'simulator.action', id: early, action: 'enterPin' });
    const refused = await s.reply(early, 'an answer to simulator.action');
    expect(refused.type === 'error', `enterPin with no payment answered ${refused.type}`);
    // 1098: the amount whose card never comes by itself, in manual mode and in auto mode alike.
    const u = uti();
    await start(s, u, 1098);
    const id = s.id();
    s.send({ type: 'simulator.action', id, action: 'presentCard', card: 'visa-contactless' });
    const a = await s.reply(id, 'an answer to simulator.action presentCard');
    expect(a.type === 'ack', `presentCard answered ${a.type}${a.type === 'error' ? ` ${a.code}` : ''}`);
    const r = await s.result(u);
    expect(r.outcome === 'APPROVED', `outcome ${r.outcome}`);
    return 'refused, then approved';
  });
  // Optional: only a payment app that owns the cardholder's screen (capabilities "display", "prompt") takes the POS's display and prompts.
  await check('display.show and display.clear (optional, capability "display"): acknowledged', async (s) => {
    const h = await hello(s);
    if (h.type !== 'hello.ok' || !h.capabilities.includes(DISPLAY_CAPABILITY)) return SKIPPED;
    const id = s.id();
    s.send({
      type: 'display.show',
      id,
      display: { currency: 'EUR', locale: 'en', lineItems: [{ name: 'Tea', quantity: 2, total: 500, change: 'added' }], subtotal: 500, tax: 0, total: 500, qr: 'https://example.com' },
    });
    const a = await s.reply(id, 'an answer to display.show');
    expect(a.type === 'ack', `display.show answered ${a.type}`);
    const id2 = s.id();
    s.send({ type: 'display.clear', id: id2 });
    expect((await s.reply(id2, 'an answer to display.clear')).type === 'ack', 'display.clear not acknowledged');
    return 'ack, ack';
  });
  await check('prompt.show, prompt.refused and prompt.cancel (optional, capability "prompt"): acknowledged', async (s) => {
    const h = await hello(s);
    if (h.type !== 'hello.ok' || !h.capabilities.includes(PROMPT_CAPABILITY)) return SKIPPED;
    const promptId = `conformance-${randomBytes(4).toString('hex')}`;
    const prompt = { promptId, type: 'email', title: 'Email for the receipt?', required: false, expiresAt: new Date(Date.now() + 60_000).toISOString(), locale: 'en' };
    for (const m of [
      { type: 'prompt.show', prompt },
      { type: 'prompt.refused', promptId, message: 'That is not an email address' },
      { type: 'prompt.cancel', promptId },
    ] as const) {
      const id = s.id();
      s.send({ ...m, id });
      const a = await s.reply(id, `an answer to ${m.type}`);
      expect(a.type === 'ack', `${m.type} answered ${a.type}`);
    }
    return 'ack, ack, ack';
  });
  return results;
}

/** The checks as a table, one a line. */
export function table(results: CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length));
  return results.map((r) => `${r.skipped ? 'SKIP' : r.ok ? 'PASS' : 'FAIL'}  ${r.name.padEnd(width)}  ${r.detail}`).join('\n');
}
