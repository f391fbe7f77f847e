import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { AuditRepository } from './audit.repository';

export interface Who {
  actor?: string | null;
  role?: string | null;
  origin?: string | null;
}

/** Failed authentications are recorded at most this often per minute: a flood must not fill the disk. */
export const AUTH_FAILURES_PER_MINUTE = 60;

/** The audit trail: committed to SQLite like everything else, purged with the same retention. */
export class AuditLog {
  private window = { start: 0, failures: 0, suppressed: 0 };

  constructor(private readonly deps: { audit: AuditRepository; clock: Clock; logger: Logger }) {}

  record(event: string, outcome: string, who: Who = {}, uti: string | null = null): void {
    const at = this.deps.clock.now().getTime();
    try {
      this.deps.audit.insert({ at, actor: who.actor ?? null, role: who.role ?? null, origin: who.origin ?? null, event, outcome, uti });
    } catch (err) {
      this.deps.logger.error({ err, event }, 'audit entry not recorded');
    }
  }

  authFailure(reason: string, who: Who): void {
    const now = this.deps.clock.now().getTime();
    if (now - this.window.start >= 60_000) {
      if (this.window.suppressed > 0) this.record('auth.failed', `SUPPRESSED_${this.window.suppressed}`, { origin: 'many' });
      this.window = { start: now, failures: 0, suppressed: 0 };
    }
    if (++this.window.failures > AUTH_FAILURES_PER_MINUTE) {
      this.window.suppressed += 1;
      return;
    }
    this.record('auth.failed', reason, who);
  }
}
