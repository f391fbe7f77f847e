/*
 * A transaction, in one place: the lists first, then the types derived from them. The schemas
 * (transactions.schemas.ts), the state machine (states.ts) and the rows (transactions.repository.ts)
 * all take their names from here.
 */

export const TRANS_TYPES = ['SALE', 'REFUND', 'PREAUTH', 'COMPLETION', 'REVERSAL', 'INCREMENT'] as const;
export type TransType = (typeof TRANS_TYPES)[number];

/** The documented bound of every amount and every total (amount, tip, cashback; a pre-authorisation with its INCREMENTs), in minor units. */
export const MAX_TOTAL = 99_999_999;

/** How a transaction ends. */
export const FINAL_STATUSES = ['APPROVED', 'DECLINED', 'CANCELLED', 'TIMED_OUT', 'FAILED'] as const;
export type FinalStatusName = (typeof FINAL_STATUSES)[number];

export const STATUSES = ['IN_PROGRESS', ...FINAL_STATUSES] as const;
export type Status = (typeof STATUSES)[number];

/** The stages a POS sees while a transaction is in progress. */
export const STAGES = ['AWAITING_CARD', 'READING_CARD', 'AWAITING_PIN', 'AUTHORIZING', 'AWAITING_TIP'] as const;
export type Stage = (typeof STAGES)[number];

export const ENTRY_MODES = ['ICC', 'PICC', 'MAG', 'MANUAL', 'NONE'] as const;
export const CVMS = ['PIN', 'NO_CVM', 'SIGNATURE', 'NONE'] as const;

/** SALE, REFUND and PREAUTH take a card; COMPLETION, REVERSAL and INCREMENT act on an original. */
export const needsCard = (t: TransType): boolean => t === 'SALE' || t === 'REFUND' || t === 'PREAUTH';
