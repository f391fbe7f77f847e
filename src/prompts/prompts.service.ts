import { EventEmitter } from 'node:events';
import type { Locale } from '../i18n';
import type { Clock } from '../shared/clock';
import { ApiError } from '../shared/errors';
import type { IdGenerator } from '../shared/ids';
import type { Logger } from '../shared/logger';
import type { AnswerBox } from './answer-box';
import { AnswerErasure } from './answer-erasure';
import { checkAnswer } from './answers';
import type { EndedStatus, PromptReason } from './model';
import { DEFAULT_TIMEOUT_S } from './model';
import { promptView, refusalText, type PromptView } from './prompt-view';
import { checkShape, iso, openBody, requestHash } from './prompt-request';
import type { AnswerValue, EndedPrompt, OpenPrompt, PromptAck, PromptRequest } from './prompts.schemas';
import type { PromptRow, PromptsRepository } from './prompts.repository';

export interface PromptDeps {
  prompts: PromptsRepository;
  box: AnswerBox;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  /** The screen's language when a prompt names none (EPOSD_LOCALE). */
  locale: Locale;
  /** How long an answer is kept for the POS to read (EPOSD_PROMPT_ANSWER_TTL_S), in ms. */
  answerTtlMs: number;
  /** Throws STORAGE_CORRUPT while the database is damaged. */
  storage: { assertWritable(): void };
  /** The payment the terminal is busy with, if any: it has the screen. */
  payment: () => { uti: string; stage: string } | undefined;
  /** Throws when the screen that shows prompts cannot now (a payment app that owns it, away: 503). */
  presentable?: () => void;
}

export type PromptAnswer = { final: false; body: OpenPrompt } | { final: true; body: EndedPrompt };

/** How long an ended prompt's row is kept (its id stays taken, a retry is answered): a day. */
export const PROMPT_ROW_KEEP_MS = 86_400_000;

/**
 * The POS's prompts (POST /prompt): one at a time, never while a payment has the screen, answered on
 * the screen, and ended exactly once (the repository ends only an open prompt). The answer is sealed
 * before it is written (answer-box.ts) and erased `answerTtlMs` after it came.
 *
 * Events: 'view' (what the screen shows: the open prompt, or undefined), 'ended' (a prompt's final
 * status, with its register).
 */
export class PromptService extends EventEmitter<{ view: [PromptView | undefined]; ended: [EndedPrompt] }> {
  private expiry: NodeJS.Timeout | undefined;
  private readonly erasure: AnswerErasure;
  private shown: PromptView | undefined;

  constructor(private readonly deps: PromptDeps) {
    super();
    this.setMaxListeners(0);
    this.erasure = new AnswerErasure(deps.prompts, deps.clock, deps.logger, deps.answerTtlMs);
  }

  /**
   * Opens a prompt and answers its acknowledgement once it is committed, or replays the one a retry
   * with the same promptId and body had. Checks, in order: a replay (before anything is busy), the
   * storage, a payment, another prompt.
   */
  open(request: PromptRequest, registerId: string): PromptAck {
    checkShape(request);
    const { promptId: asked, ...prompt } = request;
    const hash = requestHash(prompt);
    if (asked !== undefined) {
      const existing = this.deps.prompts.find(asked);
      if (existing && existing.registerId === registerId && existing.requestHash.equals(hash)) return this.ack(existing);
      if (existing) throw new ApiError('PROMPT_ID_CONFLICT', 'This promptId was already used for another prompt. Use a new promptId for a new prompt.', { promptId: asked });
    }
    this.deps.storage.assertWritable();
    this.deps.presentable?.();
    const payment = this.deps.payment();
    if (payment) throw new ApiError('TERMINAL_BUSY', 'A payment has the screen; ask once it has ended.', { uti: payment.uti, stage: payment.stage });
    this.expireIfDue();
    const open = this.deps.prompts.open();
    if (open) throw new ApiError('TERMINAL_BUSY', 'Another prompt is open on the screen; cancel it or wait for its answer.', { promptId: open.promptId });
    const now = this.deps.clock.now().getTime();
    const row = {
      promptId: asked ?? this.deps.ids.promptId(),
      registerId,
      type: prompt.type,
      request: JSON.stringify(prompt),
      requestHash: hash,
      createdAt: now,
      expiresAt: now + (prompt.timeoutSeconds ?? DEFAULT_TIMEOUT_S) * 1000,
    };
    this.deps.prompts.insert(row);
    this.show(this.deps.prompts.find(row.promptId)!);
    return { promptId: row.promptId, type: row.type, expiresAt: iso(row.expiresAt) };
  }

  /** A prompt's status, for the register that asked it (another register's: 403). */
  status(promptId: string, registerId: string): PromptAnswer {
    const row = this.own(promptId, registerId);
    return row.status === 'OPEN' ? { final: false, body: openBody(row) } : { final: true, body: this.endedBody(row) };
  }

  /** The POS takes its prompt down: CANCELLED / POS_CANCELLED. */
  cancel(promptId: string, registerId: string): EndedPrompt {
    const row = this.own(promptId, registerId);
    if (row.status !== 'OPEN') throw new ApiError('PROMPT_ENDED', `The prompt has already ended: ${row.status}.`, { promptId, promptStatus: row.status });
    this.end(row, 'CANCELLED', 'POS_CANCELLED');
    return this.endedBody(this.deps.prompts.find(promptId)!);
  }

  /**
   * The cardholder's answer, from the screen: checked against what was asked; a refusal is shown on
   * the screen in the prompt's language (and answered 400), and the prompt stays open.
   */
  answer(promptId: string, raw: unknown): void {
    const row = this.openOnScreen(promptId);
    const request = JSON.parse(row.request) as PromptRequest;
    const checked = checkAnswer(request, raw);
    if (!checked.ok) {
      const message = refusalText(this.shown?.locale ?? this.deps.locale, checked.refusal);
      if (this.shown) this.setShown({ ...this.shown, error: message });
      throw new ApiError('VALIDATION_FAILED', message, { errors: [{ field: 'value', message }] });
    }
    this.end(row, 'ANSWERED', null, checked.value);
  }

  /** The cardholder skips a prompt that is not required. */
  skip(promptId: string): void {
    const row = this.openOnScreen(promptId);
    if ((JSON.parse(row.request) as PromptRequest).required) throw new ApiError('ACTION_NOT_POSSIBLE', 'This prompt needs an answer: it cannot be skipped.');
    this.end(row, 'SKIPPED', null);
  }

  /** The cardholder presses Cancel while a prompt is on the screen; false when none is. */
  cancelOnScreen(): boolean {
    const row = this.deps.prompts.open();
    if (!row) return false;
    this.end(row, 'CANCELLED', 'CUSTOMER_CANCELLED');
    return true;
  }

  /** Throws 409 TERMINAL_BUSY while a prompt is open: a payment waits for it (transactions.service.ts). */
  assertNoPrompt(): void {
    this.expireIfDue();
    const open = this.deps.prompts.open();
    if (open) throw new ApiError('TERMINAL_BUSY', 'A prompt is open on the screen: cancel it (DELETE /prompt) or wait for its answer.', { promptId: open.promptId });
  }

  /** A register unpaired ('*': every one): its open prompt is cancelled and its answers erased. */
  forget(registerId: string): void {
    const open = this.deps.prompts.open();
    if (open && (registerId === '*' || open.registerId === registerId)) this.end(open, 'CANCELLED', 'REGISTER_UNPAIRED');
    this.deps.prompts.eraseFor(registerId, this.deps.clock.now().getTime());
  }

  /**
   * At start: a prompt left open by a process that stopped is CANCELLED / TERMINAL_RESTARTED (never
   * shown again, never answered after); the answers and rows whose time has passed go.
   */
  start(): void {
    const now = this.deps.clock.now().getTime();
    for (const { promptId } of this.deps.prompts.cancelAllOpen('TERMINAL_RESTARTED', now)) {
      this.deps.logger.warn({ promptId }, 'prompt cancelled: the terminal restarted while it was open');
    }
    this.deps.prompts.purge(now - PROMPT_ROW_KEEP_MS, now);
    this.erasure.eraseDue();
  }

  stop(): void {
    clearTimeout(this.expiry);
    this.erasure.stop();
  }

  /** The body a webhook carries: the prompt's status as GET /prompt answers it when sent. */
  webhookBody(promptId: string): unknown {
    const row = this.deps.prompts.find(promptId);
    return row && row.status !== 'OPEN' ? this.endedBody(row) : { promptId, status: 'PURGED' };
  }

  private ack(row: PromptRow): PromptAck {
    return { promptId: row.promptId, type: row.type, expiresAt: iso(row.expiresAt) };
  }

  private own(promptId: string, registerId: string): PromptRow {
    this.expireIfDue();
    const row = this.deps.prompts.find(promptId);
    if (!row) throw new ApiError('PROMPT_NOT_FOUND', 'No prompt with that promptId exists on this terminal.', { promptId });
    if (row.registerId !== registerId) throw new ApiError('FORBIDDEN', 'Only the register that asked a prompt can read or cancel it: its answer is personal data.', { promptId });
    return row;
  }

  private openOnScreen(promptId: string): PromptRow {
    this.expireIfDue();
    const row = this.deps.prompts.open();
    if (!row || row.promptId !== promptId) throw new ApiError('ACTION_NOT_POSSIBLE', 'That prompt is not on the screen now.');
    return row;
  }

  /** A prompt past its time ends TIMED_OUT: by its timer, or at the first look after it (a clock moved by hand). */
  private expireIfDue(): void {
    const open = this.deps.prompts.open();
    if (open && this.deps.clock.now().getTime() >= open.expiresAt) this.end(open, 'TIMED_OUT', 'PROMPT_TIMEOUT');
  }

  private end(row: PromptRow, status: EndedStatus, reason: PromptReason | null, value?: AnswerValue): void {
    const now = this.deps.clock.now().getTime();
    const sealed = value === undefined ? null : this.deps.box.seal(row.promptId, value);
    if (!this.deps.prompts.end(row.promptId, status, reason, sealed, now)) return;
    clearTimeout(this.expiry);
    this.setShown(undefined);
    this.deps.logger.info({ promptId: row.promptId, type: row.type, status, statusReason: reason }, 'prompt ended');
    if (sealed) this.erasure.schedule();
    this.emit('ended', this.endedBody(this.deps.prompts.find(row.promptId)!));
  }

  private show(row: PromptRow): void {
    this.setShown(promptView(row.promptId, JSON.parse(row.request) as PromptRequest, iso(row.expiresAt), this.deps.locale));
    clearTimeout(this.expiry);
    const wait = Math.max(0, row.expiresAt - this.deps.clock.now().getTime());
    this.expiry = setTimeout(() => this.expireNow(row.promptId), Math.min(wait, 2 ** 31 - 1)).unref();
  }

  private expireNow(promptId: string): void {
    const open = this.deps.prompts.open();
    try {
      if (open?.promptId === promptId) this.end(open, 'TIMED_OUT', 'PROMPT_TIMEOUT');
    } catch (err) {
      this.deps.logger.error({ err, promptId }, 'could not end the prompt at its timeout yet');
    }
  }

  private setShown(view: PromptView | undefined): void {
    this.shown = view;
    this.emit('view', view);
  }

  private endedBody(row: PromptRow): EndedPrompt {
    const value = row.answer && !this.erasure.due(row.endedAt!) ? (this.deps.box.open(row.promptId, row.answer) as AnswerValue | undefined) : undefined;
    return {
      ...openBody(row),
      status: row.status as EndedStatus,
      statusReason: row.statusReason,
      endedAt: iso(row.endedAt!),
      ...(value !== undefined ? { value } : {}),
      ...(row.status === 'ANSWERED' && value === undefined ? { answerErasedAt: iso(row.answerErasedAt ?? row.endedAt! + this.deps.answerTtlMs) } : {}),
    };
  }

  /** What the screen shows now, for a screen that starts after the prompt opened. */
  current(): PromptView | undefined {
    return this.shown;
  }
}
