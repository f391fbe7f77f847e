import { randomUUID } from 'node:crypto';
import { CertificateChangedError, EposdApiError, EposdClientError, EposdNetworkError, NotPairedError, isNetworkError, isRelayLost } from './errors';
import { BASE_PATH, pairWith, problemOf, type PairOptions } from './pairing';
import { eventStream, sleep, type EventsOptions } from './events';
import { addressOf, apiPathOf, connectionPinOf, relayHeadersOf, TerminalStore, type PairedTerminal } from './store';
import { gatewayWord, RelaySigner } from './relay';
import { moneyOf, orderOf, query } from './request-parts';
import { openStream, send, type HttpRequest, type KeyCheck, type TransportOptions } from './transport';
import {
  isFinal,
  type Acknowledgement,
  type Batch,
  type FinalStatus,
  type InProgressStatus,
  type ListFilters,
  type MoneyFields,
  type OrderData,
  type PrintLine,
  type PrintLinesAnswer,
  type ReprintAnswer,
  type StreamEvent,
  type TransactionList,
  type TransactionStatus,
  type TransType,
} from './types';
import type { DisplayAnswer, DisplayRequest, EndedPrompt, PromptAck, PromptRequest, PromptStatus } from './screen-types';

export interface EposdClientOptions {
  /** The terminals file; default EPOSD_POS_CONFIG, else ~/.config/eposd-pos/terminals.json. */
  configPath?: string;
  /** Which paired terminal to talk to: its `host:port` or its TID. Default: the last one paired. */
  terminal?: string;
  /** How many times a request whose answer was lost is sent again; default 3. */
  retries?: number;
  /** The first pause before a retry; it doubles each time. Default 500 ms. */
  retryDelayMs?: number;
  /** For one ordinary request; long-polls add their wait. Default 15 s. */
  requestTimeoutMs?: number;
  transport?: TransportOptions;
}

export interface PaymentOptions extends MoneyFields, OrderData {
  /** Your own reference, 1-36 of A-Z a-z 0-9 -; find the payment by it with `list({ reference })`. */
  reference?: string;
  /** The UTI to use (SALE, REFUND, PREAUTH); default a new random one. Reuse it only to retry the same payment. */
  uti?: string;
  /** Do not print receipts on the terminal. */
  disablePrinting?: boolean;
}

export interface WaitOptions {
  /** Called with each in-progress status the long-poll returns. */
  onProgress?: (status: InProgressStatus) => void;
  signal?: AbortSignal;
  /** Give up after this long (the payment goes on on the terminal). Default: wait as long as it takes. */
  timeoutMs?: number;
}

/** A new UTI: 32 random hex digits, within the contract's 1-64 of [A-Za-z0-9-]. */
export const newUti = (): string => randomUUID().replace(/-/g, '');

const LONG_POLL_S = 30;
/** While waiting for an outcome, how long the terminal may stay unreachable (a restart takes seconds). */
const UNREACHABLE_FOR_MS = 60_000;

/**
 * A POS's connection to its paired terminals. Every request goes over a TLS connection whose key must
 * match the fingerprint pinned at pairing; the token is sent only on such a connection.
 */
export class EposdClient {
  readonly store: TerminalStore;
  private selected: PairedTerminal | undefined;
  private relaySigner: RelaySigner | undefined;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly requestTimeoutMs: number;

  constructor(private readonly options: EposdClientOptions = {}) {
    this.store = new TerminalStore(options.configPath);
    this.retries = options.retries ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 500;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
  }

  /** The terminal this client talks to (read from the terminals file the first time). */
  get terminal(): PairedTerminal {
    return (this.selected ??= this.store.find(this.options.terminal));
  }

  /** Pairs with a terminal, pins its key, stores the token, and makes it this client's terminal. */
  async pair(options: PairOptions): Promise<PairedTerminal> {
    this.relaySigner = undefined;
    this.selected = await pairWith(this.store, options, this.options.transport);
    return this.selected;
  }

  /** Unpairs this POS on the terminal (DELETE /pair) and forgets the terminal. */
  async unpair(): Promise<void> {
    await this.call('DELETE', '/pair', { ok: [204] });
    this.store.remove(this.terminal);
  }

  sale(amount: number, options: PaymentOptions = {}): Promise<Acknowledgement> {
    return this.start('SALE', amount, options);
  }

  refund(amount: number, options: PaymentOptions = {}): Promise<Acknowledgement> {
    return this.start('REFUND', amount, options);
  }

  preauth(amount: number, options: PaymentOptions = {}): Promise<Acknowledgement> {
    return this.start('PREAUTH', amount, options);
  }

  /**
   * Raises an open pre-authorisation by `amount` (INCREMENT: no card, at the host); a COMPLETION may then
   * take up to the new total. Its UTI is chosen here, so a retry is a replay, never a second increment.
   */
  increment(preauthUti: string, amount: number, options: Omit<PaymentOptions, 'originalUti'> = {}): Promise<Acknowledgement> {
    return this.start('INCREMENT', amount, { ...options, originalUti: preauthUti });
  }

  /** Completes a pre-authorisation for `amount` (at most the pre-authorised amount). Answers a new UTI. */
  complete(originalUti: string, amount: number, options: Omit<PaymentOptions, 'uti'> = {}): Promise<Acknowledgement> {
    return this.startOnOriginal('COMPLETION', originalUti, amount, options);
  }

  /** Voids (reverses) an unsettled transaction. Answers a new UTI. */
  void(originalUti: string, options: Omit<PaymentOptions, 'uti'> = {}): Promise<Acknowledgement> {
    return this.startOnOriginal('REVERSAL', originalUti, undefined, options);
  }

  /** The status now; with `wait` (1-60 s) the terminal holds the answer until the outcome is final or the time is up. */
  async status(uti: string, options: { wait?: number; signal?: AbortSignal } = {}): Promise<TransactionStatus> {
    const timeoutMs = this.requestTimeoutMs + (options.wait ?? 0) * 1000;
    const res = await this.call('GET', `/transaction${query({ tid: this.terminal.tid, uti, wait: options.wait })}`, { ok: [200, 202], timeoutMs, signal: options.signal });
    return res as TransactionStatus;
  }

  /** Long-polls until the outcome is final. Lost connections are retried: the question is safe to ask again. */
  async waitForOutcome(uti: string, options: WaitOptions = {}): Promise<FinalStatus> {
    const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
    let reachedAt = Date.now();
    let failures = 0;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw new EposdNetworkError(`No outcome for ${uti} within ${options.timeoutMs} ms; the payment goes on on the terminal.`, undefined, uti);
      const wait = Math.max(1, Math.min(LONG_POLL_S, Math.ceil(left / 1000)));
      try {
        const s = await this.status(uti, { wait, signal: options.signal });
        reachedAt = Date.now();
        failures = 0;
        if (isFinal(s)) return s;
        options.onProgress?.(s);
      } catch (err) {
        if (!(isNetworkError(err) || isRelayLost(err, true)) || options.signal?.aborted || Date.now() - reachedAt > UNREACHABLE_FOR_MS) throw err;
        await sleep(Math.min(this.retryDelayMs * 2 ** failures++, 5_000), options.signal);
      }
    }
  }

  /** Cancels a payment this POS started, while the terminal waits for a card or a PIN. Answers its final status. */
  async cancel(uti: string): Promise<FinalStatus> {
    return (await this.call('DELETE', `/transaction${query({ tid: this.terminal.tid, uti })}`)) as FinalStatus;
  }

  /** Finds transactions, newest first, without their receipts. */
  async list(filters: ListFilters = {}): Promise<TransactionList> {
    const { metadata, ...rest } = filters;
    const pairs = Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [`metadata.${k}`, v]));
    return (await this.call('GET', `/transactions${query({ ...rest, ...pairs })}`)) as TransactionList;
  }

  /** Closes the batch (end of day) and answers its totals. */
  async settle(): Promise<Batch> {
    return (await this.call('POST', '/settlement')) as Batch;
  }

  /** The open batch's totals. */
  async settlement(): Promise<Batch> {
    return (await this.call('GET', '/settlement')) as Batch;
  }

  /** Prints a copy of a receipt again on the terminal. */
  async reprint(uti: string, copy: 'cardholder' | 'merchant' = 'cardholder'): Promise<ReprintAnswer> {
    return (await this.call('POST', `/print${query({ tid: this.terminal.tid, uti, copy })}`)) as ReprintAnswer;
  }

  /** Prints your own lines on the terminal (a kitchen ticket, a voucher): at most 200 of 48 characters. */
  async printLines(lines: PrintLine[]): Promise<PrintLinesAnswer> {
    return (await this.call('POST', `/print${query({ tid: this.terminal.tid })}`, { body: { lines } })) as PrintLinesAnswer;
  }

  /** Shows the customer a basket, a message or a QR code between payments (PUT /display): a whole new basket each time. */
  async display(display: DisplayRequest): Promise<DisplayAnswer> {
    return (await this.call('PUT', `/display${query({ tid: this.terminal.tid })}`, { body: display })) as DisplayAnswer;
  }

  /** Takes this register's display down (DELETE /display). */
  async clearDisplay(): Promise<void> {
    await this.call('DELETE', `/display${query({ tid: this.terminal.tid })}`, { ok: [204] });
  }

  /**
   * Asks the cardholder on the screen and resolves to the outcome: ANSWERED with its `value`, SKIPPED,
   * CANCELLED or TIMED_OUT. Its promptId is chosen here (unless given), so a POST whose answer was lost
   * is sent again as a replay, never a second prompt. Aborting `signal` takes the prompt down.
   */
  async prompt(prompt: PromptRequest, options: { signal?: AbortSignal } = {}): Promise<EndedPrompt> {
    const { promptId } = await this.startPrompt({ ...prompt, promptId: prompt.promptId ?? newUti() });
    const cancel = () => void this.cancelPrompt(promptId).catch(() => undefined);
    options.signal?.addEventListener('abort', cancel, { once: true });
    try {
      for (;;) {
        const s = await this.promptStatus(promptId, { wait: LONG_POLL_S, signal: options.signal });
        if (s.status !== 'OPEN') return s;
      }
    } finally {
      options.signal?.removeEventListener('abort', cancel);
    }
  }

  /** POST /prompt alone: answers the acknowledgement at once (read the outcome with promptStatus). Sent again after a lost answer. */
  async startPrompt(prompt: PromptRequest): Promise<PromptAck> {
    const body = { ...prompt, promptId: prompt.promptId ?? newUti() };
    for (let attempt = 0; ; attempt++) {
      try {
        return (await this.call('POST', `/prompt${query({ tid: this.terminal.tid })}`, { body })) as PromptAck;
      } catch (err) {
        if ((!isNetworkError(err) && !isRelayLost(err)) || attempt >= this.retries) throw err;
        await sleep(this.retryDelayMs * 2 ** attempt);
      }
    }
  }

  /** A prompt's status; with `wait` (1-60 s) the terminal holds the answer until it has ended. */
  async promptStatus(promptId: string, options: { wait?: number; signal?: AbortSignal } = {}): Promise<PromptStatus> {
    const timeoutMs = this.requestTimeoutMs + (options.wait ?? 0) * 1000;
    return (await this.call('GET', `/prompt${query({ tid: this.terminal.tid, promptId, wait: options.wait })}`, { ok: [200, 202], timeoutMs, signal: options.signal })) as PromptStatus;
  }

  /** Takes a prompt down (CANCELLED / POS_CANCELLED) and answers its final status. */
  async cancelPrompt(promptId: string): Promise<EndedPrompt> {
    return (await this.call('DELETE', `/prompt${query({ tid: this.terminal.tid, promptId })}`)) as EndedPrompt;
  }

  /**
   * Every transition of every transaction on the terminal, as they happen. A dropped stream is opened
   * again with Last-Event-ID, so nothing is missed (within the terminal's replay window; past it a
   * `truncated` event comes first). Ends when `signal` aborts or the loop breaks. `onOpen` is called
   * each time the stream is (re)opened.
   */
  events(options: EventsOptions = {}): AsyncGenerator<StreamEvent> {
    if (this.terminal.relay) throw new EposdClientError('Event streams are not carried by the relay: wait for an outcome with waitForOutcome() (a long poll) instead.');
    return eventStream((lastId) => {
      const headers = { ...this.auth(), accept: 'text/event-stream', ...(lastId ? { 'last-event-id': lastId } : {}) };
      const req = { method: 'GET' as const, path: `${apiPathOf(this.terminal, BASE_PATH)}/events`, headers, timeoutMs: this.requestTimeoutMs, signal: options.signal };
      return openStream(this.terminal, this.keyCheck(), req, this.options.transport);
    }, options);
  }

  /** The token on the LAN; through a relay the token never crosses (each request is signed instead). */
  private auth(): Record<string, string> {
    return this.terminal.relay ? relayHeadersOf(this.terminal) : { authorization: this.terminal.authToken };
  }

  private get signer(): RelaySigner | undefined {
    const t = this.terminal;
    if (!t.relay) return undefined;
    if (!t.relay.posKey || !t.relay.terminalKey)
      throw new NotPairedError(`The pairing with terminal ${t.tid} through the relay was made before requests were signed: pair again (eposd-pos pair --relay …).`);
    return (this.relaySigner ??= new RelaySigner(t.tid, t.registerId, t.relay));
  }

  private keyCheck(): KeyCheck {
    const fingerprint = connectionPinOf(this.terminal);
    const address = addressOf(this.terminal);
    return (presented) => {
      if (presented !== fingerprint) throw new CertificateChangedError(address, fingerprint, presented);
    };
  }

  private async call(method: HttpRequest['method'], path: string, options: { body?: unknown; ok?: number[]; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<unknown> {
    const signer = this.signer;
    const uti = method === 'POST' && path.startsWith('/transaction') ? (options.body as { uti?: unknown } | undefined)?.uti : undefined;
    const what = `${method} ${path.split('?')[0]}`;
    const req: HttpRequest = {
      method,
      path: `${apiPathOf(this.terminal, BASE_PATH)}${path}`,
      headers: this.auth(),
      body: options.body,
      timeoutMs: options.timeoutMs ?? this.requestTimeoutMs,
      signal: options.signal,
      sign: signer && ((contentType, payload) => signer.sign(method, `${BASE_PATH}${path}`, contentType, payload, what, typeof uti === 'string' ? uti : undefined)),
    };
    let res = await send(this.terminal, this.keyCheck(), req, this.options.transport);
    const skew = (res.body as { code?: unknown; terminalTime?: unknown } | undefined) ?? {};
    if (signer && skew.code === 'RELAY_CLOCK_SKEW' && typeof skew.terminalTime === 'number') {
      // The terminal's signed word for its time: sign again once with its clock.
      signer.offsetMs = skew.terminalTime - Date.now();
      res = await send(this.terminal, this.keyCheck(), req, this.options.transport);
    }
    if (!(options.ok ?? [200]).includes(res.status)) throw new EposdApiError(signer ? gatewayWord(problemOf(res.status, res.body), res.headers, uti) : problemOf(res.status, res.body));
    return res.body;
  }

  /** POST /transaction, sent again with the same body after a network error. */
  private async post(body: Record<string, unknown>, disablePrinting: boolean | undefined, onRetryConflict?: (err: EposdApiError) => Promise<Acknowledgement | undefined>): Promise<Acknowledgement> {
    const path = `/transaction${query({ tid: this.terminal.tid, disablePrinting })}`;
    for (let attempt = 0; ; attempt++) {
      try {
        return (await this.call('POST', path, { body })) as Acknowledgement;
      } catch (err) {
        if (attempt > 0 && err instanceof EposdApiError && onRetryConflict) {
          const ack = await onRetryConflict(err);
          if (ack) return ack;
        }
        if (!isNetworkError(err) && !isRelayLost(err)) throw err;
        const uti = typeof body.uti === 'string' && body.transType !== 'COMPLETION' && body.transType !== 'REVERSAL' ? body.uti : undefined;
        if (attempt >= this.retries) {
          throw new EposdNetworkError(
            `${err instanceof EposdNetworkError ? err.message : `Could not reach the terminal at ${addressOf(this.terminal)} (${(err as Error).message}).`}${uti ? ` The payment ${uti} may or may not have started: ask for its status.` : ''}`,
            err,
            uti,
          );
        }
        await sleep(this.retryDelayMs * 2 ** attempt);
      }
    }
  }

  /**
   * SALE, REFUND, PREAUTH with a UTI chosen here: a retry of the same body is answered by the terminal
   * as a replay of the first acknowledgement, so a lost answer can never charge twice.
   */
  private start(transType: 'SALE' | 'REFUND' | 'PREAUTH' | 'INCREMENT', amount: number, options: PaymentOptions): Promise<Acknowledgement> {
    const body = { transType, amountTrans: amount, uti: options.uti ?? newUti(), ...(options.reference ? { reference: options.reference } : {}), ...moneyOf(options), ...orderOf(options) };
    return this.post(body, options.disablePrinting);
  }

  /**
   * COMPLETION and REVERSAL get their UTI from the terminal, so a retry cannot be a replay; but the
   * terminal refuses a second one with the first one's UTI: ALREADY_COMPLETED / ALREADY_VOIDED once
   * it is done, TERMINAL_BUSY while it still runs. On a retry that answer is ours when that transaction
   * is of the same type, on the same original, for the same amount.
   */
  private startOnOriginal(transType: Extract<TransType, 'COMPLETION' | 'REVERSAL'>, originalUti: string, amount: number | undefined, options: Omit<PaymentOptions, 'uti'>): Promise<Acknowledgement> {
    const body = {
      transType,
      uti: originalUti,
      ...(amount === undefined ? {} : { amountTrans: amount }),
      ...(options.reference ? { reference: options.reference } : {}),
      ...moneyOf(options),
      ...orderOf(options),
    };
    const expectedCode = transType === 'COMPLETION' ? 'ALREADY_COMPLETED' : 'ALREADY_VOIDED';
    return this.post(body, options.disablePrinting, async (err) => {
      const earlier = err.problem.uti;
      if ((err.code !== expectedCode && err.code !== 'TERMINAL_BUSY') || typeof earlier !== 'string') return undefined;
      const s = await this.status(earlier);
      if (s.transactionType !== transType || s.originalUti !== originalUti || (amount !== undefined && s.transAmount !== amount)) return undefined;
      return { transType, ...(amount === undefined ? {} : { amountTrans: amount }), uti: earlier };
    });
  }
}
