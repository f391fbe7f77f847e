import { printable } from './output';
import type { FinalStatus, Stage } from '../client';

const STAGE_MESSAGES: Record<string, string> = {
  AWAITING_CARD: 'Present card…',
  READING_CARD: 'Reading card…',
  AWAITING_PIN: 'Enter PIN…',
  AUTHORIZING: 'Authorising…',
};

const OUTCOME_MESSAGES: Record<FinalStatus['status'], string> = {
  APPROVED: 'Approved',
  DECLINED: 'Declined',
  CANCELLED: 'Cancelled',
  TIMED_OUT: 'Timed out',
  FAILED: 'Failed',
};

export const stageMessage = (stage: string): string | undefined => STAGE_MESSAGES[stage as Stage];

export function outcomeMessage(s: Pick<FinalStatus, 'status' | 'statusReason'>): string {
  const why = s.status !== 'APPROVED' && s.statusReason ? ` (${s.statusReason.replace(/_/g, ' ').toLowerCase()})` : '';
  return `${OUTCOME_MESSAGES[s.status]}${why}`;
}

/**
 * What the terminal is waiting for, told to the person at the till. On a terminal one line that is
 * rewritten; elsewhere (a log, a test) one line per change. Repeats are dropped.
 */
export class Progress {
  private last: string | undefined;
  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly enabled = true,
  ) {}

  show(shown: string | undefined): void {
    // The message may carry the terminal's words (a status reason): printable before the line's own escapes.
    const message = shown && printable(shown);
    if (!this.enabled || !message || message === this.last) return;
    this.last = message;
    if (this.out.isTTY) this.out.write(`\r\x1b[2K${message}`);
    else this.out.write(`${message}\n`);
  }

  /** The final word, and the end of the rewritten line. */
  finish(shown: string): void {
    const message = printable(shown);
    if (!this.enabled) return;
    if (message !== this.last) {
      if (this.out.isTTY) this.out.write(`\r\x1b[2K${message}`);
      else this.out.write(`${message}\n`);
    }
    if (this.out.isTTY) this.out.write('\n');
    this.last = message;
  }
}
