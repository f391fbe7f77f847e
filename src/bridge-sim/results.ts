import { randomBytes } from 'node:crypto';
import type { BridgeCard, BridgeTransaction, PaymentResult } from '../bridge/protocol';
import { brandOfBin } from '../reader/card-data';
import { maskPan } from '../reader/card-reader';
import { cardIdentity } from '../reader/card-identity';
import { behaviourFor } from '../reader/simulator/test-amounts';
import type { TestCard } from '../reader/simulator/test-cards';

/** The amount the card is asked for: amountTrans with the tip and the cashback (docs/bridge.md). */
export const totalOf = (tx: BridgeTransaction): number => tx.amountTrans + (typeof tx.tipAmount === 'number' ? tx.tipAmount : 0) + (typeof tx.cashbackAmount === 'number' ? tx.cashbackAmount : 0);

/**
 * The simulated acquirer's answers, by the built-in simulator's test amounts (docs/api.md): what
 * eposd-bridge-sim decides for a payment, as a payment app sends it. A partial approval carries 10.
 */
export class SimResults {
  private atc = 0;

  /** `charged`: what an earlier approval of the original took (a void gives back exactly that). */
  verdict(tx: BridgeTransaction, card: TestCard | undefined, originalCharged: number | undefined): PaymentResult {
    const b = behaviourFor(tx.amountTrans);
    const total = totalOf(tx);
    if (tx.transType === 'INCREMENT' && b.kind === 'INCREMENT_DECLINE') return this.decline('05', undefined);
    if (tx.transType === 'REVERSAL') return { outcome: 'APPROVED', reason: 'APPROVED', responseCode: '00', authCode: tx.originalAuthCode ?? authCode(), amountAuthorised: originalCharged ?? total };
    if (['COMPLETION', 'INCREMENT'].includes(tx.transType))
      return { outcome: 'APPROVED', reason: 'APPROVED', responseCode: '00', authCode: tx.originalAuthCode ?? authCode(), amountAuthorised: total };
    if (card?.declines) return this.decline('05', card);
    if (b.kind === 'DECLINE') return this.decline(b.responseCode, card);
    if (b.kind === 'DECLINE_AFTER_PIN') return this.decline('55', card);
    if (b.kind === 'HOST_TIMEOUT') return this.decline('91', card);
    if (b.kind === 'PARTIAL' && (tx.transType === 'SALE' || tx.transType === 'PREAUTH'))
      return tx.allowPartialApproval === true ? this.approval(Math.floor(total / 2), card, '10') : this.decline('51', card);
    return this.approval(total, card);
  }

  approval(amount: number, card: TestCard | undefined, responseCode: '00' | '10' = '00'): PaymentResult {
    return { outcome: 'APPROVED', reason: 'APPROVED', responseCode, authCode: authCode(), amountAuthorised: amount, ...this.cardData(card, 'TC') };
  }

  decline(code: string, card: TestCard | undefined): PaymentResult {
    return { outcome: 'DECLINED', reason: 'DECLINED', responseCode: code, ...this.cardData(card, 'AAC') };
  }

  private cardData(card: TestCard | undefined, cryptogramType: 'TC' | 'AAC'): Partial<PaymentResult> {
    if (!card) return {};
    const c = cardOf(card);
    const emv =
      card.entryMode === 'MAG'
        ? undefined
        : {
            aid: card.aid,
            applicationLabel: card.appName,
            tvr: '0000008000',
            tsi: 'E800',
            atc: (++this.atc % 0x10000).toString(16).toUpperCase().padStart(4, '0'),
            arc: cryptogramType === 'TC' ? '00' : 'Z1',
            cryptogramType,
            cryptogram: randomBytes(8).toString('hex').toUpperCase(),
          };
    return { card: c, cardBrand: c.cardBrand, ...(emv ? { emv } : {}) };
  }
}

/**
 * The key of the card identities it makes. A real payment app keeps its own in its secure storage; the
 * reference app reads only the schemes' published test cards, so a key written here is enough.
 */
const SIM_CARD_KEY = Buffer.from('eposd-bridge-sim card identities of the test cards');

export const cardOf = (card: TestCard): BridgeCard => ({
  maskedPan: maskPan(card.pan),
  entryMode: card.entryMode,
  cvm: card.cvm,
  aid: card.aid,
  applicationLabel: card.appName,
  cardBrand: brandOfBin(card.pan),
  cardId: cardIdentity(SIM_CARD_KEY, card.pan),
});

const authCode = (): string => randomBytes(3).toString('hex').toUpperCase();
