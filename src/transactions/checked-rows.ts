import { LRUCache } from 'lru-cache';
import { sealHolds, type Sealed } from '../db/seal';

/** How many rows are remembered as checked: the transactions POS are reading now. */
const REMEMBERED_ROWS = 64;

/** Whether two reads of a row hold the same values, field by field. */
export function sameRow<Row extends object>(a: Row, b: Row): boolean {
  for (const key in a) {
    const x: unknown = a[key];
    const y: unknown = b[key];
    if (x !== y && !(Buffer.isBuffer(x) && Buffer.isBuffer(y) && x.equals(y))) return false;
  }
  return true;
}

/**
 * Rows read by UTI, each checked against its seal (db/seal.ts) before it is given out.
 * @NOTE A POS reads the same transaction again and again. A row that reads the same as one already
 * found sealed, field by field and seal included, holds the values that seal was checked on: it is
 * given out as the object checked then, without hashing it again or copying it (docs/performance.md).
 */
export class CheckedRows<Row extends Sealed & { uti: string }> {
  private readonly rows = new LRUCache<string, { row: Row; seal: Buffer }>({ max: REMEMBERED_ROWS });

  /** The row without its seal, or undefined when it does not read as it was sealed. */
  check(read: Row & { seal: Buffer | null }): Row | undefined {
    const known = this.rows.get(read.uti);
    if (known && read.seal !== null && known.seal.equals(read.seal) && sameRow<Row>(known.row, read)) return known.row;
    if (!sealHolds(read)) return undefined;
    const { seal, ...rest } = read;
    const row = rest as unknown as Row;
    this.rows.set(read.uti, { row, seal: seal! });
    return row;
  }
}
