import type { DisplayView } from '../display/display-view';
import type { PromptView } from '../prompts/prompt-view';
import { ApiError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { BridgeClient } from './client';
import { DISPLAY_CAPABILITY, PROMPT_CAPABILITY, type BridgeDisplay, type BridgePrompt, type ScreenFromBridge } from './protocol';

/** What the app's cardholder did, handed to the prompts (src/prompts/wiring.ts). */
export interface PromptOutcomes {
  answer(promptId: string, value: unknown): void;
  skip(promptId: string): void;
  cancelOnScreen(): boolean;
}

const displayOf = (v: DisplayView): BridgeDisplay => ({
  currency: v.currency,
  locale: v.locale,
  ...(v.lineItems ? { lineItems: v.lineItems, ...(v.removed ? { removed: v.removed } : {}), subtotal: v.subtotal, tax: v.tax, total: v.total } : {}),
  ...(v.message !== undefined ? { message: v.message } : {}),
  ...(v.qr ? { qr: v.qr.text } : {}),
});

const promptOf = ({ error: _error, ...v }: PromptView): BridgePrompt => v;

/**
 * The customer display and prompts on a payment app that owns the cardholder's screen (capabilities
 * `display`, `prompt` in its hello.ok): each change is sent to it as well as drawn on eposd's own
 * screen (which mirrors it), and sent again when the app reconnects. The app's `prompt.result` is
 * checked as an answer on eposd's screen is; a refusal goes back to it as `prompt.refused`.
 */
export class BridgeScreen {
  private display: DisplayView | undefined;
  private prompt: PromptView | undefined;
  private outcomes: PromptOutcomes | undefined;

  constructor(
    private readonly client: BridgeClient,
    private readonly logger: Logger,
  ) {
    client.on('up', () => this.resend());
    client.on('screen', (m: ScreenFromBridge) => this.onResult(m));
  }

  /** Whether the app, when last connected, said it takes this (`display`, `prompt`). */
  takes(capability: typeof DISPLAY_CAPABILITY | typeof PROMPT_CAPABILITY): boolean {
    return this.client.bridge?.capabilities.includes(capability) ?? false;
  }

  /** A prompt cannot open on an app that owns the screen while it is away: 503, as a payment. */
  assertAvailable(): void {
    if (!this.takes(PROMPT_CAPABILITY) || this.client.connected) return;
    const err = new ApiError('PAYMENT_APP_UNAVAILABLE', 'The payment application that shows prompts is not connected. Try again shortly.', { retryAfter: 2 });
    err.headers['Retry-After'] = '2';
    throw err;
  }

  handle(outcomes: PromptOutcomes): void {
    this.outcomes = outcomes;
  }

  showDisplay(view: DisplayView | undefined): void {
    this.display = view;
    if (!this.takes(DISPLAY_CAPABILITY) || !this.client.connected) return;
    this.send(view ? { type: 'display.show', display: displayOf(view) } : { type: 'display.clear' });
  }

  showPrompt(view: PromptView | undefined): void {
    const before = this.prompt;
    this.prompt = view;
    if (!this.takes(PROMPT_CAPABILITY) || !this.client.connected) return;
    if (view && view.promptId !== before?.promptId) this.send({ type: 'prompt.show', prompt: promptOf(view) });
    else if (view?.error && view !== before) this.send({ type: 'prompt.refused', promptId: view.promptId, message: view.error });
    else if (!view && before) this.send({ type: 'prompt.cancel', promptId: before.promptId });
  }

  private resend(): void {
    if (this.display && this.takes(DISPLAY_CAPABILITY)) this.send({ type: 'display.show', display: displayOf(this.display) });
    if (this.prompt && this.takes(PROMPT_CAPABILITY)) this.send({ type: 'prompt.show', prompt: promptOf(this.prompt) });
  }

  private onResult(m: ScreenFromBridge): void {
    const outcomes = this.outcomes;
    if (!outcomes || this.prompt?.promptId !== m.promptId) return this.logger.warn({ promptId: m.promptId }, 'payment app: a result for a prompt not up dropped');
    try {
      if (m.outcome === 'ANSWERED') outcomes.answer(m.promptId, m.value);
      else if (m.outcome === 'SKIPPED') outcomes.skip(m.promptId);
      else outcomes.cancelOnScreen();
    } catch (err) {
      // A refused answer is sent back as prompt.refused (showPrompt); anything else is the app's to retry.
      if (!(err instanceof ApiError)) this.logger.error({ err, promptId: m.promptId }, 'could not apply the payment app’s prompt result');
      else if (err.code !== 'VALIDATION_FAILED') this.logger.warn({ promptId: m.promptId, code: err.code }, 'payment app: prompt result not applied');
    }
  }

  private send(message: Parameters<BridgeClient['request']>[0]): void {
    this.client.request<'ack'>(message).catch((err: unknown) => this.logger.warn({ type: message.type, err: String(err) }, 'payment app: the screen message was not taken'));
  }
}
