import { EventEmitter } from 'node:events';
import type { Db } from '../db/open';
import type { PaymentEngine, TransitionEvent } from './engine';

export const REPLAY_WINDOW = 1000;
const IN_PROGRESS_STATES = new Set(['AWAITING_CARD', 'READING_CARD', 'AWAITING_PIN', 'AUTHORIZING']);

export interface FeedEvent {
  id: number;
  uti: string;
  transactionType: string;
  transAmount: number | null;
  reference: string | null;
  from: string;
  state: string;
  status: string;
  statusReason: string | null;
  detail: string | null;
  at: string;
}

interface Row {
  id: number;
  at: number;
  fromState: string;
  toState: string;
  detail: string | null;
  uti: string;
  transType: string;
  amount: number | null;
  reference: string | null;
  status: string;
  statusReason: string | null;
}

const SELECT = `SELECT e.id, e.at, e.from_state AS fromState, e.to_state AS toState, e.detail, t.uti, t.trans_type AS transType,
  t.amount, t.reference, t.status, t.status_reason AS statusReason FROM transaction_events e JOIN transactions t ON t.id = e.transaction_id`;

function toFeedEvent(r: Row): FeedEvent {
  const inProgress = IN_PROGRESS_STATES.has(r.toState);
  return {
    id: r.id,
    uti: r.uti,
    transactionType: r.transType,
    transAmount: r.amount,
    reference: r.reference,
    from: r.fromState,
    state: r.toState,
    status: inProgress ? 'IN_PROGRESS' : r.status,
    statusReason: inProgress ? null : r.statusReason,
    detail: r.detail,
    at: new Date(r.at).toISOString(),
  };
}

/**
 * Every transition of every transaction, as the event stream sends it. The ids are the rows of the
 * durable events table, so a client that reconnects with Last-Event-ID is replayed what it missed,
 * even across a restart, within the last REPLAY_WINDOW events.
 */
export class EventFeed extends EventEmitter {
  private readonly byIdStmt;
  private readonly sinceStmt;
  private readonly maxStmt;

  constructor(db: Db, engine: PaymentEngine) {
    super();
    this.setMaxListeners(0);
    this.byIdStmt = db.prepare<[number], Row>(`${SELECT} WHERE e.id = ?`);
    this.sinceStmt = db.prepare<[number, number], Row>(`${SELECT} WHERE e.id > ? ORDER BY e.id LIMIT ?`);
    this.maxStmt = db.prepare<[], { id: number | null }>(`SELECT max(id) AS id FROM transaction_events`);
    engine.on('transition', (e: TransitionEvent) => {
      if (this.listenerCount('event') === 0 || e.eventId === undefined) return;
      const row = this.byIdStmt.get(e.eventId);
      if (row) this.emit('event', toFeedEvent(row));
    });
  }

  /** What happened after `lastId`; `truncated` when more than the window was missed. */
  since(lastId: number): { events: FeedEvent[]; truncated: boolean } {
    const max = this.maxStmt.get()!.id ?? 0;
    const from = Math.max(lastId, max - REPLAY_WINDOW);
    return { events: this.sinceStmt.all(from, REPLAY_WINDOW).map(toFeedEvent), truncated: from > lastId };
  }
}
