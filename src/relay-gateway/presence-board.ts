import { readPresence, readSeen, type Presence } from '../relay/protocol';

/**
 * Every terminal's presence as the broker's retained messages tell it: `online` from the presence topic
 * (the terminal, or its last will), `lastSeen` the latest time either topic gives.
 */
export class PresenceBoard {
  private readonly terminals = new Map<string, Presence>();

  update(tid: string, kind: 'presence' | 'seen', payload: Buffer): void {
    if (payload.length === 0) {
      // An empty retained message clears the topic: a terminal taken out of the fleet.
      if (kind === 'presence') this.terminals.delete(tid);
      return;
    }
    const v = kind === 'presence' ? readPresence(payload) : readSeen(payload);
    if (!v) return;
    const known = this.terminals.get(tid) ?? { tid, online: false, lastSeen: null };
    const online = 'online' in v ? v.online : known.online;
    const lastSeen = latest(known.lastSeen, typeof v.lastSeen === 'string' && !Number.isNaN(Date.parse(v.lastSeen)) ? v.lastSeen : null);
    this.terminals.set(tid, { tid, online, lastSeen });
  }

  isOnline(tid: string): boolean {
    return this.terminals.get(tid)?.online === true;
  }

  list(): Presence[] {
    return [...this.terminals.values()].sort((a, b) => a.tid.localeCompare(b.tid));
  }

  get size(): number {
    return this.terminals.size;
  }
}

const latest = (a: string | null, b: string | null): string | null => (a === null ? b : b === null ? a : Date.parse(a) >= Date.parse(b) ? a : b);
