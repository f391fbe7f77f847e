import type { FinalStatusName } from '../client';

/** What `eposd-pos` exits with, so that a script can tell outcomes apart without parsing output. */
export const EXIT = {
  /** Done; for a payment: approved. */
  OK: 0,
  /** Bad usage, the terminal refused the request, or it could not be reached. */
  ERROR: 1,
  DECLINED: 2,
  /** Cancelled, or timed out waiting for a card or PIN. */
  NOT_COMPLETED: 3,
  /** Failed: the card could not be read, the terminal restarted, … */
  FAILED: 4,
  /** The terminal presented a key other than the one pinned at pairing: nothing was sent. */
  KEY_CHANGED: 5,
} as const;

export function outcomeExitCode(status: FinalStatusName): number {
  switch (status) {
    case 'APPROVED':
      return EXIT.OK;
    case 'DECLINED':
      return EXIT.DECLINED;
    case 'CANCELLED':
    case 'TIMED_OUT':
      return EXIT.NOT_COMPLETED;
    case 'FAILED':
      return EXIT.FAILED;
  }
}
