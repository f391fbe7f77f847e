import type { Cvm, EntryMode } from '../card-reader';

// @NOTE The only place in eposd where full card numbers exist. They are the card schemes' published
// test numbers; nothing outside src/reader/simulator and src/host/simulator ever sees them.

export interface TestCard {
  id: TestCardId;
  label: string;
  pan: string;
  entryMode: EntryMode;
  aid: string;
  appName: string;
  cvm: Cvm;
  /** A card that the simulated host always declines (05), whatever the amount. */
  declines?: boolean;
}

export type TestCardId = 'visa-contactless' | 'mastercard-chip' | 'amex-swipe' | 'visa-declined';

export const TEST_CARDS: Readonly<Record<TestCardId, TestCard>> = {
  'visa-contactless': { id: 'visa-contactless', label: 'Contactless Visa', pan: '4761739001010010', entryMode: 'PICC', aid: 'A0000000031010', appName: 'VISA CREDIT', cvm: 'NO_CVM' },
  'mastercard-chip': { id: 'mastercard-chip', label: 'Chip & PIN Mastercard', pan: '5413330089010434', entryMode: 'ICC', aid: 'A0000000041010', appName: 'MASTERCARD', cvm: 'PIN' },
  'amex-swipe': { id: 'amex-swipe', label: 'Swiped Amex', pan: '374245455400126', entryMode: 'MAG', aid: 'A00000002501', appName: 'AMERICAN EXPRESS', cvm: 'SIGNATURE' },
  'visa-declined': { id: 'visa-declined', label: 'Declining Visa', pan: '4000000000000002', entryMode: 'PICC', aid: 'A0000000031010', appName: 'VISA DEBIT', cvm: 'NO_CVM', declines: true },
};

export const TEST_CARD_IDS = Object.keys(TEST_CARDS) as TestCardId[];

/**
 * The contactless CVM limit, in minor units (50.00 in EUR): above it a tapped card needs the
 * cardholder's PIN, as on every real terminal; at or below it, none.
 */
export const CONTACTLESS_CVM_LIMIT = 5000;

/** The card the auto mode presents: contactless up to the CVM limit, chip and PIN above (SPEC §4). */
export const autoCardFor = (amount: number): TestCard => (amount <= CONTACTLESS_CVM_LIMIT ? TEST_CARDS['visa-contactless'] : TEST_CARDS['mastercard-chip']);

/**
 * Auto mode's cardholder: for a linked refund, brings back the test card that paid the original (the one
 * `paidWith` recognises by its identity), as a real cardholder would; otherwise the card for the amount.
 * Without it, a refund over the contactless limit of a sale under it came with the other card and was
 * declined CARD_MISMATCH.
 */
export const autoCardOf = (amount: number, paidWith?: (card: TestCard) => boolean): TestCard => (paidWith && Object.values(TEST_CARDS).find(paidWith)) ?? autoCardFor(amount);

/**
 * How the cardholder is verified for `card` and `amount`: the card's own method, except that a tapped
 * card above the CVM limit asks for the PIN (online PIN).
 */
export const cvmFor = (card: TestCard, amount: number): Cvm => (card.entryMode === 'PICC' && amount > CONTACTLESS_CVM_LIMIT ? 'PIN' : card.cvm);

/** The host reference for a card: which test card it is, never its number. */
export const hostDataFor = (card: TestCard): string => `sim:${card.id}`;
export const cardFromHostData = (hostData: string | null): TestCard | undefined => (hostData?.startsWith('sim:') ? TEST_CARDS[hostData.slice(4) as TestCardId] : undefined);
