import { timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Clock } from '../shared/clock';
import type { IdGenerator } from '../shared/ids';
import type { Logger } from '../shared/logger';
import { ApiError, ValidationError } from '../shared/errors';
import type { TerminalIdentity } from '../identity/identity';
import type { RegistersRepository, Role } from './registers.repository';
import { storedCallbackEvents } from '../webhooks/events';
import { checkCallbackHost, checkCallbackUrl } from './callback-url';
import type { TargetPolicy } from '../webhooks/target';
import { hashSecret, issueToken, secretMatches, splitToken } from './tokens';

export const MAX_WRONG_CODES = 5;
export const TECHNICIAN_TOKEN_TTL_MS = 8 * 3600_000;

export interface Principal {
  registerId: string;
  registerName: string;
  role: Role;
}

export interface PairingRequest {
  pairingCode: string;
  registerId?: string;
  registerName?: string;
  role?: Role;
  callbackUrl?: string;
  callbackEvents?: string[] | string;
}

/** What register.paired and register.unpaired carry; registerId '*' when every register was unpaired. */
export interface RegisterEventBody {
  registerId: string;
  registerName?: string;
  role?: Role;
  at: string;
}

export interface Paired {
  authToken: string;
  registerId: string;
  tid: string;
  serialNumber: string;
  certificateFingerprint: string;
  role: Role;
  expiresAt?: string;
  webhookSecret?: string;
}

interface PairingWindow {
  code: string;
  expiresAt: Date;
  wrongTries: number;
}

interface Deps {
  registers: RegistersRepository;
  clock: Clock;
  ids: IdGenerator;
  identity: TerminalIdentity;
  fingerprint: string;
  logger: Logger;
  pairingTtlMs: number;
  /** Where a webhook may go (webhooks/target.ts). */
  targets: TargetPolicy;
  /** True while the database is damaged: no POS is paired then. */
  outOfService?: () => boolean;
}

// @NOTE Wrong, expired and used codes fail in one place with one error, after the same work, so that
// neither the answer nor its timing tells them apart.
const pairingFailed = () => new ApiError('PAIRING_FAILED', 'The pairing code is wrong, expired or already used. Open pairing on the terminal for a new code.');

/** The open pairing window, as the screen shows it: emitted as 'window' whenever it opens or closes. */
export interface PairingWindowView {
  code: string;
  expiresAt: string;
}

export class PairingService extends EventEmitter<{ window: [PairingWindowView | undefined]; paired: [RegisterEventBody]; unpaired: [RegisterEventBody] }> {
  private window: PairingWindow | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private readonly revokedListeners = new Set<(registerId: string) => void>();

  constructor(private readonly deps: Deps) {
    super();
  }

  /** Opens a pairing window with a fresh code, replacing any open one. */
  openWindow(): { code: string; expiresAt: Date } {
    const { clock, ids, pairingTtlMs } = this.deps;
    this.setWindow({ code: ids.pairingCode(), expiresAt: new Date(clock.now().getTime() + pairingTtlMs), wrongTries: 0 });
    clearTimeout(this.expiryTimer);
    this.expiryTimer = setTimeout(() => this.currentWindow(), pairingTtlMs + 50).unref();
    return { code: this.window!.code, expiresAt: this.window!.expiresAt };
  }

  /** At start-up: a terminal that no POS is paired with shows a code straight away. */
  openIfUnpaired(): void {
    if (this.deps.registers.countActivePos() === 0) this.openWindow();
  }

  /** The open window, if any; an expired one is closed here. */
  currentWindow(): { code: string; expiresAt: Date } | undefined {
    if (this.window && this.window.expiresAt <= this.deps.clock.now()) this.setWindow(undefined);
    return this.window && { code: this.window.code, expiresAt: this.window.expiresAt };
  }

  /**
   * The API's pairing (GET and POST /pair): `pair`, with the callback URL's host name resolved and
   * every address it gives judged first (webhooks/target.ts); a refusal does not use up the code.
   * @NOTE Only for the code of the open window: a wrong code fails as `pair` fails it, and so nobody
   * without the code can make the terminal look a name up.
   */
  async resolveAndPair(req: PairingRequest): Promise<Paired> {
    if (req.callbackUrl && this.codeMatches(req.pairingCode)) await checkCallbackHost(req.callbackUrl, this.deps.targets);
    return this.pair(req);
  }

  /** Whether `code` is the open window's, compared in constant time. */
  private codeMatches(code: string): boolean {
    const window = this.currentWindow() && this.window;
    return timingSafeEqual(Buffer.from(code.padEnd(6).slice(0, 6)), Buffer.from(window?.code ?? '------')) && window !== undefined;
  }

  /** Pairs with the code: every check but the resolution of a host name (resolveAndPair does that first). */
  pair(req: PairingRequest): Paired {
    // @NOTE A damaged database keeps no new pairing. A technician may still pair, to read diagnostics: that
    // pairing is kept in memory until the next start (witness/open-storage.ts).
    if (req.role !== 'technician' && this.deps.outOfService?.()) {
      throw new ApiError('STORAGE_CORRUPT', "The terminal's database is damaged: it pairs no POS until a technician has recovered it. A technician can still pair, to read diagnostics.");
    }
    if (req.role === 'technician' && req.callbackUrl) throw new ValidationError([{ field: 'callbackUrl', message: 'is only for POS registers' }]);
    if (req.callbackUrl) checkCallbackUrl(req.callbackUrl, this.deps.targets);
    if (req.callbackEvents !== undefined && !req.callbackUrl) throw new ValidationError([{ field: 'callbackEvents', message: 'is only with a callbackUrl' }]);
    const window = this.currentWindow() && this.window;
    if (!window || !this.codeMatches(req.pairingCode)) {
      if (window && ++window.wrongTries >= MAX_WRONG_CODES) {
        this.deps.logger.warn('pairing code disabled after too many wrong tries');
        this.setWindow(undefined);
      }
      throw pairingFailed();
    }
    this.setWindow(undefined);
    return this.register(req);
  }

  /**
   * The open window's code, for a pairing through the relay (CPace over the code, docs/relay.md). Each
   * session started takes one of the window's tries, as a wrong code does: whether the other side knew
   * the code shows only at its end. A window whose tries are used up is closed.
   */
  relayAttempt(): string | undefined {
    const window = this.currentWindow() && this.window;
    if (!window) return undefined;
    if (window.wrongTries >= MAX_WRONG_CODES) {
      this.deps.logger.warn('pairing code disabled after too many relay pairing sessions');
      this.setWindow(undefined);
      return undefined;
    }
    window.wrongTries += 1;
    return window.code;
  }

  /** Keeps the relay key of the register just paired with `authToken`; false if that pairing was replaced since. */
  keepRelayKey(registerId: string, authToken: string, relayKey: string): boolean {
    const parts = splitToken(authToken);
    return parts !== undefined && this.deps.registers.setRelayKey(registerId, hashSecret(parts.secret), relayKey);
  }

  /** A register that may sign relayed requests, with its public key: paired through the relay, not revoked, not expired. */
  relayPrincipal(registerId: string): { principal: Principal; relayKey: string } | undefined {
    const row = this.deps.registers.findByRegisterId(registerId);
    if (!row?.relayKey || row.revokedAt) return undefined;
    if (row.expiresAt && new Date(row.expiresAt) <= this.deps.clock.now()) return undefined;
    return { principal: { registerId: row.registerId, registerName: row.registerName, role: row.role }, relayKey: row.relayKey };
  }

  private register(req: PairingRequest): Paired {
    const { registers, clock, ids, identity, fingerprint } = this.deps;
    const role = req.role ?? 'pos';
    const now = clock.now();
    const registerId = req.registerId ?? (role === 'technician' ? `tech-${ids.registerId().slice(4)}` : ids.registerId());
    const expiresAt = role === 'technician' ? new Date(now.getTime() + TECHNICIAN_TOKEN_TTL_MS).toISOString() : null;
    const { token, selector, hash } = issueToken(ids);
    const webhookSecret = req.callbackUrl ? ids.webhookSecret() : null;
    registers.save({
      registerId,
      registerName: req.registerName ?? registerId,
      role,
      tokenSelector: selector,
      tokenHash: hash,
      pairedAt: now.toISOString(),
      expiresAt,
      callbackUrl: req.callbackUrl ?? null,
      webhookSecret,
      callbackEvents: storedCallbackEvents(req.callbackEvents),
    });
    this.revoked(registerId); // its previous token, if it had one
    this.deps.logger.info({ registerId, role }, 'register paired');
    this.emit('paired', { registerId, registerName: req.registerName ?? registerId, role, at: now.toISOString() });
    return {
      authToken: token,
      registerId,
      tid: identity.tid,
      serialNumber: identity.serialNumber,
      certificateFingerprint: fingerprint,
      role,
      ...(expiresAt ? { expiresAt } : {}),
      ...(webhookSecret ? { webhookSecret } : {}),
    };
  }

  /** The register a token belongs to, or undefined for a missing, unknown, revoked or expired token. */
  authenticate(token: string | undefined): Principal | undefined {
    const parts = token ? splitToken(token) : undefined;
    const row = parts ? this.deps.registers.findBySelector(parts.selector) : undefined;
    const ok = secretMatches(parts?.secret ?? '', row?.tokenHash ?? undefined);
    if (!ok || !row || row.revokedAt) return undefined;
    if (row.expiresAt && new Date(row.expiresAt) <= this.deps.clock.now()) return undefined;
    return { registerId: row.registerId, registerName: row.registerName, role: row.role };
  }

  unpair(registerId: string): boolean {
    const done = this.deps.registers.revoke(registerId, this.deps.clock.now().toISOString());
    if (done) this.revoked(registerId);
    if (done) this.emit('unpaired', { registerId, at: this.deps.clock.now().toISOString() });
    return done;
  }

  unpairAll(): number {
    const n = this.deps.registers.revokeAll(this.deps.clock.now().toISOString());
    this.revoked('*');
    if (n > 0) this.emit('unpaired', { registerId: '*', at: this.deps.clock.now().toISOString() });
    return n;
  }

  /** Called when a register's token stops working ('*': every register's), e.g. to close its open streams. */
  onRevoked(listener: (registerId: string) => void): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }

  private revoked(registerId: string): void {
    for (const listener of [...this.revokedListeners]) listener(registerId);
  }

  close(): void {
    clearTimeout(this.expiryTimer);
  }

  private setWindow(window: PairingWindow | undefined): void {
    this.window = window;
    if (!window) clearTimeout(this.expiryTimer);
    this.emit('window', window ? { code: window.code, expiresAt: window.expiresAt.toISOString() } : undefined);
  }
}
