import type { Presence } from '../relay/protocol';
import { allows, type Scope } from './api-keys';
import type { PresenceBoard } from './presence-board';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/** A query of GET /terminals that is not valid, in words for the POS developer. */
export class ListQueryError extends Error {}

/**
 * GET /terminals for one API key: only the terminals it may reach, filtered by `online` and a TID
 * prefix (`tid`), in TID order, a page at a time (`limit`, and `cursor`: the last TID of the page before).
 */
export function listTerminals(board: PresenceBoard, scope: Scope, query: URLSearchParams): { terminals: Presence[]; nextCursor: string | null } {
  const online = query.get('online');
  const prefix = query.get('tid') ?? '';
  const cursor = query.get('cursor') ?? '';
  const limit = query.has('limit') ? Number(query.get('limit')) : DEFAULT_LIMIT;
  if (online !== null && online !== 'true' && online !== 'false') throw new ListQueryError('online must be true or false');
  if (!/^\d{0,8}$/.test(prefix)) throw new ListQueryError('tid must be a TID or the start of one (digits)');
  if (!/^\d{0,8}$/.test(cursor)) throw new ListQueryError('cursor must be the nextCursor of the page before');
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new ListQueryError(`limit must be 1 to ${MAX_LIMIT}`);
  const page: Presence[] = [];
  let more = false;
  for (const t of board.list()) {
    if (t.tid <= cursor || !t.tid.startsWith(prefix) || !allows(scope, t.tid) || (online !== null && t.online !== (online === 'true'))) continue;
    if (page.length === limit) {
      more = true;
      break;
    }
    page.push(t);
  }
  return { terminals: page, nextCursor: more ? page[page.length - 1]!.tid : null };
}
