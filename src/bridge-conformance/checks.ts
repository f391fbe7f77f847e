import { randomBytes } from 'node:crypto';
import { newNonce, proofOf, provesSecret } from '../bridge/handshake';
import type { Connector } from '../bridge/link';
import { DISPLAY_CAPABILITY, MAX_MESSAGE_BYTES, PROMPT_CAPABILITY, PROTOCOL, SIMULATOR_CAPABILITY, type FromBridge } from '../bridge/protocol';
import { Session } from './session';

/*
 * The conformance kit: checks a payment app's bridge (any implementation) against eposd-bridge/2, as
 * eposd uses it, one rule the app must keep per check (docs/bridge.md, "The conformance kit"). The app
 * runs with its test host, which follows the test amounts of eposd's simulator: 1000 approves, 1005
 * declines 05, 1010 approves half (code 10) when partials are allowed and declines 51 when not, 1098
 * never presents a card.
 */

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  /** A check that does not apply (an optional capability the app does not offer, no secret given): neither passed nor failed. */
  skipped?: boolean;
}

export interface ConformanceOptions {
  connect: Connector;
  /** The shared secret (loopback TCP): the handshake's proofs are checked both ways. */
  secret?: string;
  /** How long each answer may take. */
  timeoutMs?: number;
  /** Runs only the checks whose name it accepts (a manual-mode app, which would leave the others' payments waiting). */
  only?: (name: string) => boolean;
}

/** eposd's default EPOSD_BRIDGE_TIMEOUT_MS: an ack later than this makes eposd give up on the payment. */
export const ACK_DEADLINE_MS = 5000;

const uti = () => `conf-${randomBytes(6).toString('hex')}`;
const sale = (u: string, amountTrans: number, extra: object = {}) => ({ uti: u, transType: 'SALE', amountTrans, currency: 'EUR', registerId: 'conformance', disablePrinting: true, ...extra });
const SKIPPED = Symbol('skipped');

function expect(ok: boolean, detail: string): asserts ok {
  if (!ok) throw new Error(detail);
}

const show = (m: unknown) => JSON.stringify(m).slice(0, 160);

/** Runs every check in order on fresh connections; answers each check's verdict. */
export async function runConformance(opts: ConformanceOptions): Promise<CheckResult[]> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const results: CheckResult[] = [];
  const open = async (): Promise<Session> => new Session(await opts.connect(), timeoutMs);
  const hello = async (s: Session, protocols = [PROTOCOL], nonce = newNonce()) => {
    const id = s.id();
    s.send({ type: 'hello', id, protocols, client: { name: 'eposd-conformance', version: '2' }, nonce });
    return s.reply(id, 'an answer to hello');
  };
  /** hello, and with a secret both proofs: the app's checked, eposd's sent and acknowledged. */
  const greeted = async (s: Session) => {
    const nonce = newNonce();
    const h = await hello(s, [PROTOCOL], nonce);
    expect(h.type === 'hello.ok' && h.protocol === PROTOCOL, `hello answered ${show(h)}`);
    if (opts.secret === undefined) return h;
    const nonces = { eposd: nonce, app: h.nonce ?? '' };
    expect(provesSecret(h.proof, opts.secret, 'app', nonces), 'hello.ok does not carry a valid proof of the shared secret');
    const id = s.id();
    s.send({ type: 'hello.proof', id, proof: proofOf(opts.secret, 'eposd', nonces) });
    const a = await s.reply(id, 'an answer to hello.proof');
    expect(a.type === 'ack', `a valid hello.proof answered ${show(a)}`);
    return h;
  };
  const check = async (name: string, body: (s: Session) => Promise<string | typeof SKIPPED>) => {
    if (opts.only && !opts.only(name)) return;
    let s: Session | undefined;
    try {
      s = await open();
      const detail = await body(s);
      results.push(detail === SKIPPED ? { name, ok: true, detail: 'does not apply (optional)', skipped: true } : { name, ok: true, detail });
    } catch (err) {
      results.push({ name, ok: false, detail: (err as Error).message });
    } finally {
      s?.close();
    }
  };
  const start = async (s: Session, u: string, amount: number, extra: object = {}) => {
    const id = s.id();
    const sent = Date.now();
    s.send({ type: 'payment.start', id, transaction: sale(u, amount, extra) });
    const a = await s.reply(id, 'an ack of payment.start');
    expect(a.type === 'ack', `payment.start answered ${a.type}${a.type === 'error' ? ` ${a.code}` : ''}`);
    expect(Date.now() - sent <= ACK_DEADLINE_MS, `payment.start acknowledged after ${Date.now() - sent} ms: eposd waits ${ACK_DEADLINE_MS} ms by default`);
  };
  const request = async (s: Session, m: Record<string, unknown> & { type: string }, what: string): Promise<FromBridge> => {
    const id = s.id();
    s.send(JSON.stringify({ ...m, id }));
    return s.reply(id, what);
  };
  let approved: { uti: string; authCode?: string; amount?: number } | undefined;

  await check('hello: agrees on eposd-bridge/2, lists its capabilities, and (with a secret) proves it and takes eposd’s proof', async (s) => {
    const h = await greeted(s);
    expect(h.type === 'hello.ok', 'no hello.ok');
    return `protocol ${PROTOCOL}, capabilities ${h.capabilities.join(' ') || '(none)'}${opts.secret ? ', proofs both ways' : ''}`;
  });
  await check('hello: refuses a protocol version it does not speak (UNSUPPORTED_VERSION, with the versions it speaks)', async (s) => {
    const h = await hello(s, ['eposd-bridge/999']);
    expect(h.type === 'error' && h.code === 'UNSUPPORTED_VERSION' && (h.protocols ?? []).includes(PROTOCOL), `hello with eposd-bridge/999 answered ${show(h)}`);
    return 'refused';
  });
  await check('a request before hello is refused with HELLO_REQUIRED', async (s) => {
    const r = await request(s, { type: 'ping' }, 'an answer to ping before hello');
    expect(r.type === 'error' && r.code === 'HELLO_REQUIRED', `ping before hello answered ${show(r)}`);
    return 'refused';
  });
  await check('with a secret: a wrong proof is refused and the link closed, and nothing is taken before a valid one', async (s) => {
    if (opts.secret === undefined) return SKIPPED;
    const h = await hello(s);
    expect(h.type === 'hello.ok', `hello answered ${show(h)}`);
    const early = await request(s, { type: 'payment.query', uti: uti() }, 'an answer to payment.query before hello.proof');
    expect(early.type === 'error', `payment.query before hello.proof answered ${show(early)}`);
    const wrong = await request(s, { type: 'hello.proof', proof: 'f'.repeat(64) }, 'an answer to a wrong hello.proof');
    expect(wrong.type === 'error' && wrong.code === 'UNAUTHORIZED', `a wrong proof answered ${show(wrong)}`);
    expect(await s.closedWithin(timeoutMs), 'the link stayed open after a wrong proof');
    return 'refused, closed';
  });
  await check('one eposd at a time: a second connection’s hello is refused (ALREADY_CONNECTED), the first keeps its link', async (s) => {
    await greeted(s);
    const second = await open();
    try {
      const h = await hello(second);
      expect(h.type === 'error' && h.code === 'ALREADY_CONNECTED', `a second hello answered ${show(h)}`);
    } finally {
      second.close();
    }
    expect((await request(s, { type: 'ping' }, 'a pong on the first link')).type === 'pong', 'the first link no longer answers');
    return 'refused';
  });
  await check('a sale of 1000 is approved once: 00, amountAuthorised 1000, a CARD_READ event with a masked PAN', async (s) => {
    await greeted(s);
    const u = uti();
    await start(s, u, 1000);
    const r = await s.result(u);
    expect(r.outcome === 'APPROVED' && r.responseCode === '00' && r.amountAuthorised === 1000, `result ${show(r)}`);
    await s.take('a CARD_READ stage event', (m) => m.type === 'payment.stage' && m.uti === u && m.stage === 'CARD_READ');
    expect(!(await s.arrives((m) => m.type === 'payment.result' && m.uti === u, 300)), 'a second payment.result for the same payment');
    approved = { uti: u, authCode: r.authCode, amount: r.amountAuthorised };
    return `approved, auth code ${r.authCode ?? '(none)'}`;
  });
  await check('a sale of 1005 is declined with response code 05', async (s) => {
    await greeted(s);
    const u = uti();
    await start(s, u, 1005);
    const r = await s.result(u);
    expect(r.outcome === 'DECLINED' && r.responseCode === '05', `result ${show(r)}`);
    return 'declined 05';
  });
  await check('partial approval: 1010 with allowPartialApproval is approved for 505 with code 10; without it, declined 51', async (s) => {
    await greeted(s);
    const u = uti();
    await start(s, u, 1010, { allowPartialApproval: true });
    const r = await s.result(u);
    expect(r.outcome === 'APPROVED' && r.responseCode === '10' && r.amountAuthorised === 505, `with partials allowed: ${show(r)}`);
    const v = uti();
    await start(s, v, 1010);
    const d = await s.result(v);
    expect(d.outcome === 'DECLINED' && d.responseCode === '51', `without: ${show(d)}`);
    return 'approved 505 (10), declined 51';
  });
  await check('payment.start is refused for a UTI already used (DUPLICATE_UTI) and while another payment runs (BUSY)', async (s) => {
    expect(approved !== undefined, 'no approved sale to start again');
    await greeted(s);
    const again = await request(s, { type: 'payment.start', transaction: sale(approved.uti, 1000) }, 'an answer to a payment.start of a used UTI');
    expect(again.type === 'error' && again.code === 'DUPLICATE_UTI', `a used UTI answered ${show(again)}`);
    const waiting = uti();
    await start(s, waiting, 1098);
    const busy = await request(s, { type: 'payment.start', transaction: sale(uti(), 1000) }, 'an answer to a second payment.start');
    expect(busy.type === 'error' && busy.code === 'BUSY', `a second payment answered ${show(busy)}`);
    const cancel = await request(s, { type: 'payment.cancel', uti: waiting, reason: 'POS_CANCELLED' }, 'an answer to payment.cancel');
    expect(cancel.type === 'ack', `payment.cancel answered ${show(cancel)}`);
    return 'DUPLICATE_UTI, BUSY';
  });
  await check('payment.cancel while it waits for a card: ack, then CANCELLED with eposd’s reason; of nothing in progress: NOT_IN_PROGRESS', async (s) => {
    await greeted(s);
    const u = uti();
    await start(s, u, 1098);
    const a = await request(s, { type: 'payment.cancel', uti: u, reason: 'CARD_TIMEOUT' }, 'an answer to payment.cancel');
    expect(a.type === 'ack', `payment.cancel answered ${show(a)}`);
    const r = await s.result(u);
    expect(r.outcome === 'CANCELLED' && r.reason === 'CARD_TIMEOUT', `result ${show(r)}`);
    const none = await request(s, { type: 'payment.cancel', uti: uti(), reason: 'POS_CANCELLED' }, 'an answer to payment.cancel of nothing');
    expect(none.type === 'error' && none.code === 'NOT_IN_PROGRESS', `payment.cancel of nothing answered ${show(none)}`);
    return `cancelled (${r.reason})`;
  });
  await check('payment.query answers from memory, naming the UTI asked: the approval as it was sent (FINAL), an unknown UTI UNKNOWN', async (s) => {
    expect(approved !== undefined, 'no approved sale to ask about');
    await greeted(s);
    const known = await request(s, { type: 'payment.query', uti: approved.uti }, 'an answer to payment.query');
    expect(known.type === 'payment.status' && known.uti === approved.uti && known.state === 'FINAL', `known UTI: ${show(known)}`);
    const r = known.type === 'payment.status' ? known.result : undefined;
    expect(r?.outcome === 'APPROVED' && r.authCode === approved.authCode && r.amountAuthorised === approved.amount, `known UTI: not the approval it sent: ${show(r)}`);
    const unknownUti = uti();
    const unknown = await request(s, { type: 'payment.query', uti: unknownUti }, 'an answer to payment.query');
    expect(unknown.type === 'payment.status' && unknown.uti === unknownUti && unknown.state === 'UNKNOWN', `unknown UTI: ${show(unknown)}`);
    return 'FINAL / UNKNOWN';
  });
  await check('reversal: of the approved sale reversed: true, again still true; of an unknown UTI reversed: false', async (s) => {
    expect(approved !== undefined, 'no approved sale to reverse');
    await greeted(s);
    for (const attempt of ['first', 'second']) {
      const r = await request(s, { type: 'reversal', uti: approved.uti, reason: 'TERMINAL_RESTARTED' }, 'an answer to reversal');
      expect(r.type === 'reversal.ok' && r.uti === approved.uti && r.reversed, `the ${attempt} reversal answered ${show(r)}`);
    }
    const other = uti();
    const r2 = await request(s, { type: 'reversal', uti: other, reason: 'TERMINAL_RESTARTED' }, 'an answer to reversal');
    expect(r2.type === 'reversal.ok' && r2.uti === other && !r2.reversed, `reversal of an unknown UTI answered ${show(r2)}`);
    return 'true, true, false';
  });
  await check('reversal of a payment still waiting for a card ends it: reversed: false, and no approval follows', async (s) => {
    await greeted(s);
    const u = uti();
    await start(s, u, 1098);
    const r = await request(s, { type: 'reversal', uti: u, reason: 'PAYMENT_APP_UNAVAILABLE' }, 'an answer to reversal');
    expect(r.type === 'reversal.ok' && r.uti === u && !r.reversed, `reversal of a payment in progress answered ${show(r)}`);
    expect(!(await s.arrives((m) => m.type === 'payment.result' && m.uti === u && m.result.outcome === 'APPROVED', 300)), 'an approval came after the reversal');
    const q = await request(s, { type: 'payment.query', uti: u }, 'an answer to payment.query');
    expect(q.type === 'payment.status' && q.state !== 'IN_PROGRESS' && q.result?.outcome !== 'APPROVED', `the payment after its reversal: ${show(q)}`);
    return 'ended, reversed: false';
  });
  await check('print and ping are answered', async (s) => {
    await greeted(s);
    expect((await request(s, { type: 'print', lines: [['CONFORMANCE', '2', 'C', 'B']], what: 'custom print of 1 lines' }, 'an answer to print')).type === 'ack', 'print not acknowledged');
    expect((await request(s, { type: 'ping' }, 'a pong')).type === 'pong', 'ping not answered with pong');
    return 'ack, pong';
  });
  await check('malformed input is rejected with an error and the link stays usable; a line over 65536 bytes ends the link', async (s) => {
    await greeted(s);
    s.send('this is not JSON');
    await s.take('an error for a line that is not JSON', (m) => m.type === 'error');
    const bad = await request(s, { type: 'payment.start', transaction: { amountTrans: -5 } }, 'an error for an invalid payment.start');
    expect(bad.type === 'error', `an invalid payment.start answered ${bad.type}`);
    const odd = await request(s, { type: 'payment.teleport' }, 'an error for an unknown message type');
    expect(odd.type === 'error', `an unknown type answered ${odd.type}`);
    expect((await request(s, { type: 'ping' }, 'a pong after the garbage')).type === 'pong', 'no pong after the garbage');
    s.send(JSON.stringify({ type: 'ping', id: s.id(), pad: 'x'.repeat(MAX_MESSAGE_BYTES) }));
    expect(await s.closedWithin(timeoutMs), 'the link stayed open after a line over the limit');
    return 'rejected, still answering; closed on an oversized line';
  });
  // Optional: only a test payment app that lists the capability "simulator" takes the screen page's buttons.
  await check('simulator.action (optional, capability "simulator"): refused when nothing waits, a presented card approves 1098', async (s) => {
    const h = await greeted(s);
    if (!h.capabilities.includes(SIMULATOR_CAPABILITY)) return SKIPPED;
    const refused = await request(s, { type: 'simulator.action', action: 'enterPin' }, 'an answer to simulator.action');
    expect(refused.type === 'error', `enterPin with no payment answered ${refused.type}`);
    // 1098: the amount whose card never comes by itself, in manual mode and in auto mode alike.
    const u = uti();
    await start(s, u, 1098);
    const a = await request(s, { type: 'simulator.action', action: 'presentCard', card: 'visa-contactless' }, 'an answer to simulator.action presentCard');
    expect(a.type === 'ack', `presentCard answered ${a.type}${a.type === 'error' ? ` ${a.code}` : ''}`);
    const r = await s.result(u);
    expect(r.outcome === 'APPROVED', `outcome ${r.outcome}`);
    return 'refused, then approved';
  });
  // Optional: only a payment app that owns the cardholder's screen (capabilities "display", "prompt") takes the POS's display and prompts.
  await check('display.show and display.clear (optional, capability "display"): acknowledged', async (s) => {
    const h = await greeted(s);
    if (!h.capabilities.includes(DISPLAY_CAPABILITY)) return SKIPPED;
    const display = { currency: 'EUR', locale: 'en', lineItems: [{ name: 'Tea', quantity: 2, total: 500, change: 'added' }], subtotal: 500, tax: 0, total: 500, qr: 'https://example.com' };
    const shown = await request(s, { type: 'display.show', display }, 'an answer to display.show');
    expect(shown.type === 'ack', `display.show answered ${show(shown)}`);
    const cleared = await request(s, { type: 'display.clear' }, 'an answer to display.clear');
    expect(cleared.type === 'ack', `display.clear answered ${show(cleared)}`);
    return 'ack, ack';
  });
  await check('prompt.show, prompt.refused and prompt.cancel (optional, capability "prompt"): acknowledged', async (s) => {
    const h = await greeted(s);
    if (!h.capabilities.includes(PROMPT_CAPABILITY)) return SKIPPED;
    const promptId = `conformance-${randomBytes(4).toString('hex')}`;
    const prompt = { promptId, type: 'email', title: 'Email for the receipt?', required: false, expiresAt: new Date(Date.now() + 60_000).toISOString(), locale: 'en' };
    for (const m of [
      { type: 'prompt.show', prompt },
      { type: 'prompt.refused', promptId, message: 'That is not an email address' },
      { type: 'prompt.cancel', promptId },
    ]) {
      const a = await request(s, m, `an answer to ${m.type}`);
      expect(a.type === 'ack', `${m.type} answered ${show(a)}`);
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
