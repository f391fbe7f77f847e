import { statSync } from 'node:fs';
import type { AuditRepository } from '../audit/audit.repository';
import type { Db } from '../db/open';
import type { StorageHealth } from '../db/storage-health';
import type { ClockGuard } from '../transactions/clock-guard';
import type { PurgeReport } from '../transactions/retention';
import type { TerminalIdentity } from '../identity/identity';
import type { RegistersRepository } from '../pairing/registers.repository';
import type { Printer } from '../printer/printer';
import type { CardReader } from '../reader/card-reader';
import type { SettlementService } from '../settlement/settlement.service';
import type { Clock } from '../shared/clock';
import { VERSION } from '../shared/version';
import type { PaymentEngine } from '../transactions/engine';
import { eventLoopLagMs } from './event-loop';
import { integrityCheck } from '../db/integrity';

export const AUDIT_ENTRIES_SHOWN = 50;

interface Deps {
  db: Db;
  identity: TerminalIdentity;
  clock: Clock;
  startedAt: Date;
  fingerprint: string;
  certificateNotAfter: Date | null;
  addresses: string[];
  ports: () => { api: number; screen: number };
  engine: PaymentEngine;
  reader: CardReader;
  readerMode: string;
  printer: Printer;
  registers: RegistersRepository;
  settlement: SettlementService;
  audit: AuditRepository;
  webhooks: () => unknown;
  /** How many transactions there are of each status. */
  transactionCounts: () => Record<string, number>;
  storage: StorageHealth;
  clockGuard: ClockGuard;
  /** When retention's purge last ran and what it deleted (null: not since the start). */
  lastPurge: () => PurgeReport | null;
  /** What the start repaired or replaced: a new key, an empty database set aside. */
  notes: readonly string[];
  /** EPOSD_DRIVER=bridge: the payment app's link (state, protocol, last error). */
  paymentApp?: () => unknown;
}

const fileSize = (path: string) => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

/**
 * What a field technician needs to see. @NOTE Built field by field from what is safe: no token, no
 * token hash, no webhook secret, no card number is ever read into it.
 */
export class DiagnosticsService {
  private lastReaderError: string | null = null;

  constructor(private readonly deps: Deps) {}

  async report() {
    const { db, identity, clock, engine, printer, registers, settlement } = this.deps;
    const now = clock.now();
    const current = engine.current;
    const memory = process.memoryUsage();
    const reading = this.deps.clockGuard.reading();
    return {
      identity: { tid: identity.tid, mid: identity.mid, serialNumber: identity.serialNumber, merchantName: identity.merchantName, currency: identity.currency, notes: this.deps.notes },
      version: VERSION,
      node: process.version,
      uptimeSeconds: Math.round((now.getTime() - this.deps.startedAt.getTime()) / 1000),
      clock: {
        now: now.toISOString(),
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        utcOffsetMinutes: -now.getTimezoneOffset(),
        // What the purge goes by, and how far the wall clock is from it (0: in step).
        trusted: reading ? new Date(reading.trusted).toISOString() : null,
        jumpMs: reading?.jumpMs ?? 0,
        // What retention goes by: how long the terminal has provably run, all starts together.
        runningDays: reading ? Math.round((reading.running / 86_400_000) * 100) / 100 : null,
      },
      network: { addresses: this.deps.addresses, ports: this.deps.ports() },
      certificate: { fingerprint: this.deps.fingerprint, notAfter: this.deps.certificateNotAfter?.toISOString() ?? null },
      database: {
        sizeBytes: db.memory ? 0 : fileSize(db.name),
        walBytes: db.memory ? 0 : fileSize(`${db.name}-wal`),
        schemaVersion: db.pragma('user_version', { simple: true }) as number,
        quickCheck: await this.quickCheck(),
        storage: this.deps.storage.report(),
        lastPurge: this.deps.lastPurge(),
      },
      transactions: this.readable(() => this.deps.transactionCounts()),
      reader: { kind: this.deps.reader.kind, mode: this.deps.readerMode, state: current.name, lastError: this.lastReaderError },
      paymentApp: this.deps.paymentApp?.() ?? { driver: 'simulator' },
      printer: printer.state(),
      currentTransaction: current.name === 'IDLE' ? null : { uti: current.tx.uti, transType: current.tx.transType, amount: current.tx.amount, state: current.name },
      batch: this.readable(() => settlement.current()),
      registers: this.readable(() => registers.list(), []).map((r) => ({
        registerId: r.registerId,
        registerName: r.registerName,
        role: r.role,
        pairedAt: r.pairedAt,
        expiresAt: r.expiresAt,
        revokedAt: r.revokedAt,
        webhook: r.callbackUrl !== null,
      })),
      webhooks: this.readable(() => this.deps.webhooks()),
      process: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, eventLoopLagMs: await eventLoopLagMs() },
      audit: this.readable(() => this.deps.audit.latest(AUDIT_ENTRIES_SHOWN), []),
    };
  }

  private async quickCheck(): Promise<string> {
    try {
      const result = (await integrityCheck(this.deps.db, 'quick_check')).join('; ');
      if (result !== 'ok') this.deps.storage.markCorrupt(`quick_check (diagnostics): ${result.slice(0, 300)}`);
      return result;
    } catch (err) {
      this.deps.storage.observe(err);
      return `could not run: ${(err as Error).message}`;
    }
  }

  /** A section read from the database; a damaged table says so in its section rather than failing the whole report. */
  private readable<T>(read: () => T): T | { unreadable: string };
  private readable<T>(read: () => T, otherwise: T): T;
  private readable<T>(read: () => T, otherwise?: T): T | { unreadable: string } {
    try {
      return read();
    } catch (err) {
      this.deps.storage.observe(err);
      if (!this.deps.storage.corrupt) throw err;
      return otherwise ?? { unreadable: 'the database is damaged here' };
    }
  }

  /** Database integrity, and a round trip to the reader and the printer. */
  async selfTest() {
    const check = async (name: string, fn: () => Promise<string | undefined>) => {
      const start = process.hrtime.bigint();
      try {
        const detail = await fn();
        return { name, ok: true, ms: Number(process.hrtime.bigint() - start) / 1e6, detail: detail ?? 'OK' };
      } catch (err) {
        const detail = err instanceof Error ? err.message : 'failed';
        if (name === 'reader') this.lastReaderError = detail;
        return { name, ok: false, ms: Number(process.hrtime.bigint() - start) / 1e6, detail };
      }
    };
    const checks = [
      await check('database', async () => {
        const rows = await integrityCheck(this.deps.db, 'integrity_check');
        if (rows.join() !== 'ok') this.deps.storage.markCorrupt(`integrity_check (self-test): ${rows.slice(0, 3).join('; ')}`);
        if (rows.join() !== 'ok') throw new Error(`integrity_check: ${rows.slice(0, 5).join('; ')}`);
        return 'integrity_check ok';
      }),
      await check('reader', () => this.deps.reader.ping().then(() => `${this.deps.reader.kind} answered`)),
      await check('printer', () => this.deps.printer.ping().then(() => 'printer answered')),
    ];
    return { ok: checks.every((c) => c.ok), checks };
  }
}
