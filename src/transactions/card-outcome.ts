import { createHash } from 'node:crypto';
import type { HostAnswer } from '../host/payment-host';
import { Type } from '@sinclair/typebox';
import { brandOfAid, CARD_BRANDS, CRYPTOGRAM_TYPES, type CardBrand, type CryptogramType, type EmvData } from '../reader/card-data';
import { StringEnum } from '../shared/schema-types';
import type { CardRead } from '../reader/card-reader';
import type { TransactionChange } from './transactions.repository';

/** The brand of a card read: what the reader said, else from the AID. */
export const brandOfRead = (card: CardRead): CardBrand | null => card.cardBrand ?? brandOfAid(card.aid);

/** The columns a card read fills in: what is shown of the card, and its identity (never shown). */
export const readColumns = (card: CardRead): TransactionChange => ({
  maskedPan: card.maskedPan,
  entryMode: card.entryMode,
  aid: card.aid,
  appName: card.appName,
  cvm: card.cvm,
  cardBrand: brandOfRead(card),
  cardId: card.cardId ?? null,
});

/**
 * The EMV data of an outcome, once the card has been told it. A driver that gives them on the host
 * answer is taken at its word. Otherwise, from the card's ARQC: a chip card's second GENERATE AC
 * answers TC for an approval, AAC for a decline; a contactless card has answered once: its ARQC
 * stays. With no host answer the chip card declines offline (ARC Z3, AAC).
 * @NOTE The second cryptogram is derived here the way the simulator's cards would compute it; a real
 * reader driver supplies it on the host answer.
 */
export function emvAtOutcome(card: CardRead | null, approved: boolean, answer: HostAnswer | undefined): EmvData | undefined {
  if (answer?.emv) return answer.emv;
  if (!card?.emv || (card.entryMode !== 'ICC' && card.entryMode !== 'PICC')) return undefined;
  const arc = answer ? answer.responseCode : 'Z3';
  const type: CryptogramType = card.entryMode === 'PICC' ? 'ARQC' : approved ? 'TC' : 'AAC';
  const cryptogram = type === 'ARQC' ? card.emv.arqc : createHash('sha256').update(`${card.emv.arqc}|${arc}|${type}`).digest('hex').slice(0, 16).toUpperCase();
  return { aid: card.aid, applicationLabel: card.appName, tvr: card.emv.tvr, tsi: card.emv.tsi, atc: card.emv.atc, arc, cryptogramType: type, cryptogram };
}

// Stored as one short JSON array in the `emv` column, in this order.
const EMV_FIELDS = ['aid', 'applicationLabel', 'tvr', 'tsi', 'atc', 'arc', 'cryptogramType', 'cryptogram'] as const;

export const encodeEmv = (emv: EmvData): string => JSON.stringify(EMV_FIELDS.map((f) => emv[f]));

export function decodeEmv(stored: string | null): EmvData | undefined {
  if (stored === null) return undefined;
  const v = JSON.parse(stored) as string[];
  return Object.fromEntries(EMV_FIELDS.map((f, i) => [f, v[i]])) as unknown as EmvData;
}

const Hex = (chars: number) => Type.String({ pattern: `^[0-9A-F]{${chars}}$` });

/** What a final answer adds for a card read: its brand, and its EMV data for chip and contactless. */
export const CardAnswerFields = {
  cardBrand: Type.Optional(StringEnum(CARD_BRANDS)),
  emv: Type.Optional(
    Type.Object(
      {
        aid: Type.String({ pattern: '^[0-9A-F]{10,32}$', example: 'A0000000031010' }),
        applicationLabel: Type.String({ example: 'VISA CREDIT' }),
        tvr: Hex(10),
        tsi: Hex(4),
        atc: Hex(4),
        arc: Type.String({ minLength: 2, maxLength: 2, example: '00' }),
        cryptogramType: StringEnum(CRYPTOGRAM_TYPES),
        cryptogram: Hex(16),
      },
      { description: 'chip and contactless only: the EMV data a receipt prints (docs/payments.md)' },
    ),
  ),
};
