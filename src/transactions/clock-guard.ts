import { readFileSync } from 'node:fs';
import { uptime } from 'node:os';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';

/** A wall clock further than this from what the terminal can vouch for has jumped (logged, in diagnostics). */
export const CLOCK_JUMP_TOLERANCE_MS = 5 * 60_000;
const DAY_MS = 86_400_000;
const ANCHOR_KEY = 'clock_anchor';
/** The anchor is written at start, at stop, and in between only once it has moved this far: a rare write, off the request path. */
export const ANCHOR_SAVE_INTERVAL_MS = 3_600_000;

/** Time that only moves forward, shared by every process of one boot of the machine (Linux: CLOCK_MONOTONIC). */
export interface Monotonic {
  nowMs(): number;
  /** Which boot of the machine this is; null where it cannot be known (every start then counts as a new boot). */
  bootId(): string | null;
  /** Milliseconds since the machine booted. */
  uptimeMs(): number;
}

export const systemMonotonic: Monotonic = {
  nowMs: () => Number(process.hrtime.bigint() / 1_000_000n),
  bootId: () => {
    try {
      return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      return null;
    }
  },
  uptimeMs: () => uptime() * 1000,
};

interface Anchor {
  /** The time vouched for, in ms since the epoch, */
  t: number;
  /** at this reading of the monotonic clock, */
  mono: number;
  /** in this boot; */
  boot: string | null;
  /** true while a wall clock found far ahead after a reboot is being caught up on. */
  catchUp?: boolean;
  /** The terminal's running time then (absent in an anchor of an earlier version: 0). */
  run?: number;
}

export interface ClockReading {
  wall: number;
  trusted: number;
  /** wall − trusted when it is beyond the tolerance; 0 otherwise. */
  jumpMs: number;
  /**
   * The terminal's running time, in ms: how long it has provably existed since its first start, all
   * starts together, never more than the real time that passed. Retention goes by it.
   */
  running: number;
  /** The running time by which the previous run of eposd had ended, at the latest: this one in the same boot, the boot's start after a reboot. */
  previousRunEnded: number;
}

/** After a reboot the wall clock is believed if it moved on by at most this beyond the uptime: a terminal switched off for a week's holiday. */
export const MAX_UNVERIFIED_OFF_MS = 7 * DAY_MS;

/**
 * Two readings of time the terminal can vouch for, whatever its wall clock does.
 * @NOTE The running time, which retention goes by: how long the terminal has provably run since its
 * first start, kept in an anchor in the database and moved on by the machine's monotonic clock. Within a
 * boot that is exact; across a reboot only the uptime is added, so the time switched off is not
 * counted: a record may be kept longer than its retention, never purged sooner (docs/decisions.md).
 * @NOTE The trusted time, for the log and diagnostics: the same anchor's wall time moved on by the
 * monotonic clock. Within a boot a wall clock that differs from it has jumped. Across a reboot a wall
 * clock up to 7 days ahead of the anchor plus the uptime is believed; further ahead, the estimate starts
 * from the anchor plus the uptime and catches up with the wall clock no faster than real time passes.
 * With no anchor yet, the newest committed transaction stands in for one.
 */
export class ClockGuard {
  private last: ClockReading | undefined;
  private reported = 0;
  private savedAt: { t: number; catchUp: boolean } | undefined;

  constructor(
    private readonly deps: {
      clock: Clock;
      logger: Logger;
      settings: { get(key: string): string | undefined; set(key: string, value: string): void };
      newestCommitted: () => number | undefined;
      monotonic?: Monotonic;
    },
  ) {}

  /**
   * Reads the clocks, logs a jump, and moves the anchor on: `'always'`, or when it has moved an hour
   * (`'due'`), or never (`false`: a database that takes no writes).
   */
  check(save: 'always' | 'due' | false = 'due'): ClockReading {
    const mono = this.deps.monotonic ?? systemMonotonic;
    const monoNow = mono.nowMs();
    const wall = this.deps.clock.now().getTime();
    const boot = mono.bootId();
    const saved = this.saved();
    let trusted = wall;
    let catchUp = false;
    const sameBoot = saved !== undefined && boot !== null && saved.boot === boot;
    // Within a boot the monotonic clock says exactly how long passed; across a reboot only the uptime is
    // sure (the time switched off is not counted): a lower bound either way, whatever the wall clock says.
    // Whole milliseconds, rounded down: the uptime comes in hundredths of a second, as a float.
    const uptime = Math.floor(mono.uptimeMs());
    const running = Math.floor((saved?.run ?? 0) + (sameBoot ? Math.max(0, monoNow - saved.mono) : uptime));
    const previousRunEnded = sameBoot ? running : running - uptime;
    if (sameBoot) {
      const elapsed = Math.max(0, monoNow - saved.mono);
      trusted = saved.t + elapsed;
      if (saved.catchUp && wall > trusted) trusted = Math.min(wall, trusted + elapsed);
      catchUp = saved.catchUp === true && trusted < wall;
    } else {
      const base = saved ? saved.t + mono.uptimeMs() : this.deps.newestCommitted();
      if (base !== undefined && wall > base + MAX_UNVERIFIED_OFF_MS) {
        trusted = base;
        catchUp = true;
      } else if (base !== undefined) {
        trusted = Math.max(wall, base);
      }
    }
    const gap = wall - trusted;
    const jumpMs = Math.abs(gap) > CLOCK_JUMP_TOLERANCE_MS ? gap : 0;
    this.last = { wall, trusted, jumpMs, running, previousRunEnded };
    this.report(jumpMs, sameBoot, trusted, wall);
    const due = !this.savedAt || this.savedAt.catchUp !== catchUp || Math.abs(trusted - this.savedAt.t) >= ANCHOR_SAVE_INTERVAL_MS;
    if (save === 'always' || (save === 'due' && due)) {
      this.deps.settings.set(ANCHOR_KEY, JSON.stringify({ t: trusted, mono: monoNow, boot, run: running, ...(catchUp ? { catchUp } : {}) } satisfies Anchor));
      this.savedAt = { t: trusted, catchUp };
    }
    return this.last;
  }

  /** The last reading, for diagnostics. */
  reading(): ClockReading | undefined {
    return this.last;
  }

  private saved(): Anchor | undefined {
    const saved = this.deps.settings.get(ANCHOR_KEY);
    if (!saved) return undefined;
    try {
      const a = JSON.parse(saved) as Anchor;
      return Number.isFinite(a.t) && Number.isFinite(a.mono) && (a.run === undefined || Number.isFinite(a.run)) ? a : undefined;
    } catch {
      return undefined; // an unreadable anchor is replaced
    }
  }

  private report(jumpMs: number, sameBoot: boolean, trusted: number, wall: number): void {
    if (Math.abs(jumpMs - this.reported) <= CLOCK_JUMP_TOLERANCE_MS) return;
    this.reported = jumpMs;
    if (jumpMs === 0) return this.deps.logger.info('the wall clock is back in step; the purge follows it again');
    const days = (Math.abs(jumpMs) / DAY_MS).toFixed(2);
    const fields = { wall: new Date(wall).toISOString(), trusted: new Date(trusted).toISOString(), jumpMs };
    if (jumpMs < 0) return this.deps.logger.warn(fields, `the wall clock is ${days} days behind the time this terminal has already recorded; nothing is purged by it`);
    const why = sameBoot ? 'jumped' : 'is, after a restart of the machine,';
    this.deps.logger.warn(fields, `the wall clock ${why} ${days} days ahead of what this terminal can vouch for: the purge keeps to the time it can vouch for`);
  }
}
