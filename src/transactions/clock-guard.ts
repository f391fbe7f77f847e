import { readFileSync } from 'node:fs';
import { uptime } from 'node:os';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';

/** A wall clock further than this from what the terminal can vouch for has jumped. */
export const CLOCK_JUMP_TOLERANCE_MS = 5 * 60_000;
const DAY_MS = 86_400_000;
const ANCHOR_KEY = 'clock_anchor';

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
  /** in this boot. */
  boot: string | null;
}

export interface ClockReading {
  wall: number;
  trusted: number;
  /** wall − trusted when it is beyond the tolerance; 0 otherwise. */
  jumpMs: number;
}

/**
 * The latest time the terminal can vouch for, so that the purge never trusts a wall clock that jumped.
 * @NOTE The estimate is an anchor (kept in the database) moved on by the monotonic clock: exact within
 * one boot of the machine, and across a reboot by the uptime, a lower bound on the time that passed.
 * A wall clock ahead of it (a jump, or hours switched off) is caught up on no faster than real time
 * passes: a forward jump of 93 days makes no record look 93 days older, while a terminal switched off
 * overnight is back in step after as long again. With no anchor yet, the newest committed transaction
 * stands in for one.
 */
export class ClockGuard {
  private last: ClockReading | undefined;
  private reported = 0;

  constructor(
    private readonly deps: {
      clock: Clock;
      logger: Logger;
      settings: { get(key: string): string | undefined; set(key: string, value: string): void };
      newestCommitted: () => number | undefined;
      monotonic?: Monotonic;
    },
  ) {}

  /** Reads the clocks, logs a jump, and moves the anchor on (unless `save` is false: a database that takes no writes). */
  check(save = true): ClockReading {
    const mono = this.deps.monotonic ?? systemMonotonic;
    const wall = this.deps.clock.now().getTime();
    const boot = mono.bootId();
    const anchor = this.anchor(mono, boot);
    let trusted = wall;
    let sameBoot = true;
    if (anchor) {
      sameBoot = boot !== null && anchor.boot === boot;
      const elapsed = sameBoot ? Math.max(0, mono.nowMs() - anchor.mono) : mono.uptimeMs();
      trusted = anchor.t + elapsed;
      if (wall > trusted) trusted = Math.min(wall, trusted + elapsed);
    }
    const gap = wall - trusted;
    const jumpMs = Math.abs(gap) > CLOCK_JUMP_TOLERANCE_MS ? gap : 0;
    this.last = { wall, trusted, jumpMs };
    this.report(jumpMs, sameBoot, trusted, wall);
    if (save) this.deps.settings.set(ANCHOR_KEY, JSON.stringify({ t: trusted, mono: mono.nowMs(), boot } satisfies Anchor));
    return this.last;
  }

  /** The last reading, for diagnostics. */
  reading(): ClockReading | undefined {
    return this.last;
  }

  private anchor(mono: Monotonic, boot: string | null): Anchor | undefined {
    const saved = this.deps.settings.get(ANCHOR_KEY);
    if (saved) {
      try {
        const a = JSON.parse(saved) as Anchor;
        if (Number.isFinite(a.t) && Number.isFinite(a.mono)) return a;
      } catch {
        // an unreadable anchor is replaced below
      }
    }
    const newest = this.deps.newestCommitted();
    return newest === undefined ? undefined : { t: newest, mono: mono.nowMs(), boot };
  }

  private report(jumpMs: number, sameBoot: boolean, trusted: number, wall: number): void {
    if (Math.abs(jumpMs - this.reported) <= CLOCK_JUMP_TOLERANCE_MS) return;
    this.reported = jumpMs;
    if (jumpMs === 0) return this.deps.logger.info('the wall clock is back in step; the purge follows it again');
    const days = (Math.abs(jumpMs) / DAY_MS).toFixed(2);
    const fields = { wall: new Date(wall).toISOString(), trusted: new Date(trusted).toISOString(), jumpMs };
    if (jumpMs < 0) return this.deps.logger.warn(fields, `the wall clock is ${days} days behind the time this terminal has already recorded; nothing is purged by it`);
    // Across a reboot the terminal may simply have been switched off: worth knowing, not alarming.
    if (!sameBoot && jumpMs < DAY_MS) return this.deps.logger.info(fields, `the wall clock is ${days} days ahead of what this terminal can vouch for (switched off?); the purge catches up as time passes`);
    this.deps.logger.warn(fields, `the wall clock jumped ${days} days ahead of what this terminal can vouch for: the purge keeps to the time it can vouch for and catches up no faster than real time`);
  }
}
