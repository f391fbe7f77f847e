import { createHash } from 'node:crypto';

/**
 * What a transaction's seal covers: what it is and how it ended, as its status answer and receipts show
 * it. Not the id (the row's key: a damaged one is found by the UTI index, which then leads nowhere) nor
 * the annotations later statements write on their own (voided_by, completed_by, batch_id, reversal).
 */
export const SEALED = [
  'uti',
  'transType',
  'amount',
  'currency',
  'reference',
  'originalUti',
  'registerId',
  'requestHash',
  'disablePrinting',
  'status',
  'stage',
  'statusReason',
  'responseCode',
  'authCode',
  'maskedPan',
  'entryMode',
  'aid',
  'appName',
  'cvm',
  'createdAt',
  'completedAt',
  'tipAmount',
  'cashbackAmount',
  'amountAuthorised',
  'allowPartial',
  'tipOptions',
  'orderData',
  'locale',
  'cardBrand',
  'emv',
] as const;

/** A row's sealed fields, as SQLite gives them back (the repository's TransactionRow is one). */
export type Sealed = Record<(typeof SEALED)[number], string | number | Buffer | null>;

/** The sealed columns in a SELECT, under their field names (for the migration that seals every row). */
export const SEALED_COLUMNS = SEALED.map((k) => {
  const column = k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return column === k ? k : `${column} AS ${k}`;
}).join(', ');

/**
 * The first 8 bytes of SHA-256 over the sealed fields, each with its type, as SQLite gives them back.
 * @NOTE SQLite keeps no checksum of a page of the database file: a flipped bit in a row's content reads
 * back as another amount, status or card, and no check of SQLite's sees it. The seal does.
 */
export function sealOf(row: Sealed): Buffer {
  return sealOfValues(SEALED.map((k) => row[k]));
}

/** The same, from the sealed fields' values in SEALED's order (a raw row of SEALED_COLUMNS: the check at start reads thousands). */
export function sealOfValues(values: readonly (string | number | Buffer | null | undefined)[]): Buffer {
  let text = '';
  for (const v of values) text += v === null || v === undefined ? '\u0000N' : Buffer.isBuffer(v) ? `\u0000B${v.toString('hex')}` : `\u0000${typeof v}:${v}`;
  return createHash('sha256').update(text).digest().subarray(0, 8);
}

/** Whether the row reads as it was sealed. */
export const sealHolds = (row: Sealed & { seal: Buffer | null }): boolean => row.seal !== null && sealOf(row).equals(row.seal);
