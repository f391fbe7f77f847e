/*
 * What a chip or contactless read tells besides the masked PAN: the card's brand and its EMV data, as
 * peers return them (SPEC §8). None of it is card data under PCI DSS. A reader driver (or a payment
 * app's bridge) supplies them on the card read and, once the card has answered the host's outcome,
 * on the host answer; the simulator computes them per test card.
 */

export const CARD_BRANDS = ['VISA', 'MASTERCARD', 'AMEX', 'DISCOVER', 'JCB', 'UNIONPAY', 'MAESTRO', 'OTHER'] as const;
export type CardBrand = (typeof CARD_BRANDS)[number];

export const CRYPTOGRAM_TYPES = ['ARQC', 'TC', 'AAC'] as const;
export type CryptogramType = (typeof CRYPTOGRAM_TYPES)[number];

export interface EmvData {
  /** Application identifier, 10-32 hex. */
  aid: string;
  applicationLabel: string;
  /** Terminal verification results, 10 hex. */
  tvr: string;
  /** Transaction status information, 4 hex. */
  tsi: string;
  /** Application transaction counter, 4 hex. */
  atc: string;
  /** Authorisation response code the card was given (2 characters). */
  arc: string;
  /** ARQC: the card asked to go online; TC: approved; AAC: declined. */
  cryptogramType: CryptogramType;
  /** The application cryptogram, 16 hex. */
  cryptogram: string;
}

/**
 * The brand from the BIN (the first six digits), by the schemes' published ranges. Only a reader or
 * a simulator holds the BIN; elsewhere eposd knows the brand from the card read.
 */
export function brandOfBin(bin: string): CardBrand {
  const n2 = Number(bin.slice(0, 2));
  const n3 = Number(bin.slice(0, 3));
  const n4 = Number(bin.slice(0, 4));
  const n6 = Number(bin.slice(0, 6));
  if (n2 === 34 || n2 === 37) return 'AMEX';
  if (n4 >= 3528 && n4 <= 3589) return 'JCB';
  if (n4 === 6011 || n2 === 65 || (n3 >= 644 && n3 <= 649) || (n6 >= 622126 && n6 <= 622925)) return 'DISCOVER';
  if (n2 === 62 || n2 === 81) return 'UNIONPAY';
  if ([5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763].includes(n4)) return 'MAESTRO';
  if ((n2 >= 51 && n2 <= 55) || (n4 >= 2221 && n4 <= 2720)) return 'MASTERCARD';
  if (bin.startsWith('4')) return 'VISA';
  return 'OTHER';
}

/**
 * The cryptogram type an outcome leaves on the card: TC when the host approved, AAC when it declined,
 * the ARQC still when no answer reached the card.
 */
export const cryptogramTypeFor = (status: string, answered: boolean): CryptogramType => (!answered ? 'ARQC' : status === 'APPROVED' ? 'TC' : 'AAC');

/** The brand from the application identifier's RID, for a read that did not name it. */
export function brandOfAid(aid: string | null): CardBrand | null {
  if (!aid) return null;
  const a = aid.toUpperCase();
  if (a.startsWith('A0000000043060')) return 'MAESTRO';
  const byRid: Record<string, CardBrand> = {
    A000000003: 'VISA',
    A000000004: 'MASTERCARD',
    A000000025: 'AMEX',
    A000000152: 'DISCOVER',
    A000000065: 'JCB',
    A000000333: 'UNIONPAY',
  };
  return byRid[a.slice(0, 10)] ?? 'OTHER';
}

/** What the card gave at its first GENERATE AC: the online request (ARQC) and the data around it. */
export interface CardEmv {
  tvr: string;
  tsi: string;
  atc: string;
  /** The ARQC, 16 hex. */
  arqc: string;
}
