import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { PromptsRepository } from './prompts.repository';

/** How long to wait before trying again when the database refused an erasure. */
const RETRY_MS = 60_000;

/**
 * @NOTE A prompt's answer is personal data, kept only `ttlMs` after it came: a timer set for the
 * oldest answer kept erases every answer whose time is up (the sealed column set to NULL), and an
 * answer read after its time is treated as gone even if the timer has not run yet (a clock moved by
 * hand). One whose time is said to be in the future (a clock set back) goes too.
 */
export class AnswerErasure {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly prompts: Pick<PromptsRepository, 'eraseDue' | 'oldestAnswerAt'>,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly ttlMs: number,
  ) {}

  /** Whether an answer that came at `endedAt` (ms) is past its time. */
  due(endedAt: number): boolean {
    return this.clock.now().getTime() - endedAt >= this.ttlMs;
  }

  /** Erases the answers whose time is up, and sets the timer for the next one. */
  eraseDue(): void {
    const now = this.clock.now().getTime();
    const erased = this.prompts.eraseDue(now - this.ttlMs, now);
    if (erased > 0) this.logger.info({ erased }, 'prompt answers erased: their time to be read is over');
    this.schedule();
  }

  /** Sets the timer for the oldest answer kept (none: no timer). */
  schedule(): void {
    clearTimeout(this.timer);
    const oldest = this.prompts.oldestAnswerAt();
    if (oldest === null) return;
    const wait = Math.max(0, oldest + this.ttlMs - this.clock.now().getTime());
    this.timer = setTimeout(() => this.run(), Math.min(wait + 10, 2 ** 31 - 1)).unref();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private run(): void {
    try {
      this.eraseDue();
    } catch (err) {
      this.logger.error({ err }, 'could not erase prompt answers yet');
      this.timer = setTimeout(() => this.schedule(), RETRY_MS).unref();
    }
  }
}
