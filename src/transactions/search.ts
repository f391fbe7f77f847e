import type { Db } from '../db/open';
import { ValidationError } from '../shared/errors';
import { COLUMNS, type TransactionRow } from './transactions.repository';

export interface SearchFilters {
  reference?: string;
  status?: string;
  type?: string;
  from?: number;
  to?: number;
  limit: number;
  cursor?: string;
  /** Metadata pairs that must all be present (order.ts). */
  metadata?: [string, string][];
}

// The cursor is the (created_at, id) of the last row of the page, opaque to the client.
export const encodeCursor = (row: { createdAt: number; id: number }): string => Buffer.from(`t${row.createdAt}.${row.id}`).toString('base64url');
export function decodeCursor(cursor: string): { at: number; id: number } {
  const m = /^t(\d{1,15})\.(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new ValidationError([{ field: 'cursor', message: 'is not a cursor from a previous page' }]);
  return { at: Number(m[1]), id: Number(m[2]) };
}

/** Each filter and its condition; a filter's value is bound under its own name. */
const FILTERS = [
  ['reference', 'reference = @reference'],
  ['status', 'status = @status'],
  ['type', 'trans_type = @type'],
  ['from', 'created_at >= @from'],
  ['to', 'created_at < @to'],
] as const satisfies readonly (readonly [keyof SearchFilters, string])[];

/** Newest first, by keyset on (created_at, id); one prepared statement per combination of filters. */
export class TransactionSearch {
  private readonly statements = new Map<string, ReturnType<Db['prepare']>>();

  constructor(private readonly db: Db) {}

  find(f: SearchFilters): { rows: TransactionRow[]; nextCursor: string | null } {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: f.limit + 1 };
    for (const [key, clause] of FILTERS) {
      if (f[key] === undefined) continue;
      where.push(clause);
      params[key] = f[key];
    }
    // By metadata: the first pair's index (key, value, at) drives, newest first; any other pair is checked per row.
    const [first, ...others] = f.metadata ?? [];
    let from = 'transactions';
    let keyset = ['created_at', 'id'];
    if (first) {
      from = 'transaction_metadata m JOIN transactions ON transactions.id = m.transaction_id';
      keyset = ['m.at', 'm.transaction_id'];
      where.push('m.key = @mk0 AND m.value = @mv0');
      Object.assign(params, { mk0: first[0], mv0: first[1] });
      others.forEach(([k, v], i) => {
        // A lookup by the primary key (transaction_id, key): written so, SQLite would otherwise walk the pair index.
        where.push(`(SELECT x.value FROM transaction_metadata x WHERE x.transaction_id = transactions.id AND x.key = @mk${i + 1}) = @mv${i + 1}`);
        Object.assign(params, { [`mk${i + 1}`]: k, [`mv${i + 1}`]: v });
      });
    }
    if (f.cursor !== undefined) {
      const c = decodeCursor(f.cursor);
      where.push(`(${keyset.join(', ')}) < (@cursorAt, @cursorId)`);
      Object.assign(params, { cursorAt: c.at, cursorId: c.id });
    }
    const sql = `SELECT ${COLUMNS} FROM ${from} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${keyset.map((k) => `${k} DESC`).join(', ')} LIMIT @limit`;
    let stmt = this.statements.get(sql);
    if (!stmt) this.statements.set(sql, (stmt = this.db.prepare(sql)));
    const rows = stmt.all(params) as TransactionRow[];
    const more = rows.length > f.limit;
    const page = more ? rows.slice(0, f.limit) : rows;
    return { rows: page, nextCursor: more ? encodeCursor(page[page.length - 1]!) : null };
  }
}
