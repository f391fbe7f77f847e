import { EventEmitter } from 'node:events';
import type { Locale } from '../i18n';
import type { Clock } from '../shared/clock';
import { ApiError, ValidationError } from '../shared/errors';
import { basketChanges, basketSums } from './basket';
import { displayLabels, type DisplayView } from './display-view';
import type { DisplayAnswer, DisplayRequest } from './display.schemas';
import { qrView } from './qr';

export interface DisplayDeps {
  clock: Clock;
  /** The currencies the terminal takes; the first is its own (EPOSD_CURRENCY), the default. */
  currencies: readonly string[];
  /** The screen's language when a display names none (EPOSD_LOCALE). */
  locale: Locale;
}

interface Kept {
  request: DisplayRequest;
  answer: Omit<DisplayAnswer, 'shown'>;
  view: DisplayView;
}

/**
 * The customer displays the POS set (PUT /display), one per register, kept in memory: a display is
 * what the customer sees now, not a record (a restart returns to the idle screen). The newest is the
 * one on the screen, whenever no payment or prompt has it ('change'); a register that clears its own
 * gives the screen back to the one before.
 */
export class DisplayService extends EventEmitter<{ change: [DisplayView | undefined] }> {
  private readonly kept = new Map<string, Kept>();
  private version = 0;

  constructor(private readonly deps: DisplayDeps) {
    super();
  }

  /** Puts a register's display up in place of the one it had; the basket's changes are marked against that one. */
  set(registerId: string, request: DisplayRequest): Omit<DisplayAnswer, 'shown'> {
    if (request.lineItems === undefined && request.message === undefined && request.qr === undefined) {
      throw new ValidationError([{ field: 'body', message: 'must have lineItems, a message or a qr' }]);
    }
    if (request.lineItems === undefined && (request.tax !== undefined || request.total !== undefined)) {
      throw new ValidationError([{ field: request.tax !== undefined ? 'tax' : 'total', message: 'is only shown with lineItems' }]);
    }
    const currency = request.currency ?? this.deps.currencies[0]!;
    if (!this.deps.currencies.includes(currency)) {
      throw new ApiError('CURRENCY_NOT_SUPPORTED', `This terminal takes ${this.deps.currencies.join(', ')}.`, { currency, supported: [...this.deps.currencies] });
    }
    const sums = request.lineItems && basketSums(request.lineItems, request.tax, request.total);
    const locale = request.locale ?? this.deps.locale;
    const before = this.kept.get(registerId)?.request.lineItems;
    const basket = request.lineItems && basketChanges(before, request.lineItems);
    this.version += 1;
    const view: DisplayView = {
      version: this.version,
      locale,
      labels: displayLabels(locale),
      currency,
      ...(basket ? { lineItems: basket.lines, ...(basket.removed.length > 0 ? { removed: basket.removed } : {}), ...sums } : {}),
      ...(request.message !== undefined ? { message: request.message } : {}),
      ...(request.qr !== undefined ? { qr: qrView(request.qr) } : {}),
    };
    const answer = {
      ...(request.lineItems ? { lineItems: request.lineItems, ...sums } : {}),
      currency,
      ...(request.message !== undefined ? { message: request.message } : {}),
      ...(request.qr !== undefined ? { qr: request.qr } : {}),
      locale,
      updatedAt: this.deps.clock.now().toISOString(),
    };
    // Newest last: the screen shows the last entry.
    this.kept.delete(registerId);
    this.kept.set(registerId, { request, answer, view });
    this.emit('change', view);
    return answer;
  }

  /** Takes a register's display down (all of them with '*'); true if it had one. */
  clear(registerId: string): boolean {
    const had = registerId === '*' ? this.kept.size > 0 : this.kept.delete(registerId);
    if (registerId === '*') this.kept.clear();
    if (had) this.emit('change', this.current());
    return had;
  }

  /** The display on the screen when nothing else has it: the newest one set. */
  current(): DisplayView | undefined {
    return [...this.kept.values()].at(-1)?.view;
  }

  /** Whether this register's display is the newest one. */
  isNewest(registerId: string): boolean {
    return [...this.kept.keys()].at(-1) === registerId;
  }
}
