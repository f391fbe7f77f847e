import { DISPLAY_CAPABILITY, PROMPT_CAPABILITY, type BridgePrompt, type FromBridge, type ScreenToBridge } from '../bridge/protocol';

/** What a cardholder in auto mode answers, by prompt type: something every check of eposd takes. */
export function cannedAnswer(p: BridgePrompt): unknown {
  switch (p.type) {
    case 'confirm':
      return true;
    case 'select':
      return [(p.options as { id: string }[])[0]!.id];
    case 'email':
      return 'cardholder@example.com';
    case 'phone':
      return '+447700900123';
    case 'number':
      return String(typeof p.min === 'number' ? p.min : 1);
    case 'signature':
      return {
        width: 400,
        height: 150,
        strokes: [
          [
            [20, 110],
            [80, 30],
            [140, 120],
            [220, 40],
            [300, 100],
          ],
        ],
      };
    default:
      return 'eposd-bridge-sim';
  }
}

/**
 * eposd-bridge-sim with `--screen`: a payment app that owns the cardholder's screen (capabilities
 * `display` and `prompt`). It acknowledges each display and prompt and logs it; in auto mode the
 * cardholder answers a prompt after the card delay, in manual mode on standard input (`answer <json>`,
 * `skip`, `cancel`). A refusal from eposd is logged, and the prompt stays up.
 */
export class SimScreen {
  readonly capabilities = [DISPLAY_CAPABILITY, PROMPT_CAPABILITY];
  private prompt: BridgePrompt | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly opts: { mode: 'auto' | 'manual'; delayMs: number; log(line: string): void },
    private readonly reply: (m: FromBridge) => void,
    private readonly id: () => string,
  ) {}

  get up(): BridgePrompt | undefined {
    return this.prompt;
  }

  take(m: ScreenToBridge): void {
    this.reply({ type: 'ack', re: m.id });
    switch (m.type) {
      case 'display.show': {
        const d = m.display;
        this.opts.log(`display ${d.lineItems ? `${d.lineItems.length} line(s) total ${d.total} ${d.currency}` : ''}${d.message ? ` "${d.message}"` : ''}${d.qr ? ' qr' : ''}`.trimEnd());
        return;
      }
      case 'display.clear':
        return this.opts.log('display cleared');
      case 'prompt.show':
        clearTimeout(this.timer);
        this.prompt = m.prompt;
        this.opts.log(`prompt ${m.prompt.type} ${m.prompt.promptId}: ${m.prompt.title}`);
        if (this.opts.mode === 'auto') this.timer = setTimeout(() => this.answer(cannedAnswer(m.prompt)), this.opts.delayMs);
        return;
      case 'prompt.cancel':
        if (this.prompt?.promptId === m.promptId) this.clear();
        return this.opts.log(`prompt ${m.promptId} taken down`);
      case 'prompt.refused':
        return this.opts.log(`prompt ${m.promptId} refused: ${m.message}`);
    }
  }

  /** The cardholder's answer (standard input's `answer <json>`, or auto mode's). */
  answer(value: unknown): boolean {
    return this.result('ANSWERED', value);
  }

  skip(): boolean {
    return this.result('SKIPPED');
  }

  cancel(): boolean {
    return this.result('CANCELLED');
  }

  private result(outcome: 'ANSWERED' | 'SKIPPED' | 'CANCELLED', value?: unknown): boolean {
    const p = this.prompt;
    if (!p) return false;
    this.reply({ type: 'prompt.result', id: this.id(), promptId: p.promptId, outcome, ...(outcome === 'ANSWERED' ? { value } : {}) });
    this.opts.log(`prompt ${p.promptId} ${outcome.toLowerCase()}`);
    if (outcome !== 'ANSWERED') this.clear();
    return true;
  }

  private clear(): void {
    clearTimeout(this.timer);
    this.prompt = undefined;
  }
}
