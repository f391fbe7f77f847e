import { createHash } from 'node:crypto';
import type { CardEmv } from '../card-data';
import type { Cvm } from '../card-reader';
import type { TestCard } from './test-cards';

const hex = (s: string, chars: number) => createHash('sha256').update(s).digest('hex').slice(0, chars).toUpperCase();

// TVR byte 3 0x04: online PIN entered; byte 4 0x80: over the floor limit (every simulated payment goes online).
const TVR_ONLINE = '0000008000';
const TVR_ONLINE_PIN = '0000048000';
// TSI: offline data authentication (0x80), cardholder verification (0x40), card (0x20) and terminal (0x08) risk management.
const TSI_WITH_CVM = 'E800';
const TSI_NO_CVM = 'A800';

/**
 * A test card's answer to the first GENERATE AC, as a real one would give it: its own transaction
 * counter, which goes up by one at each read, and an ARQC over the transaction. Swiped cards have none.
 */
export class SimulatedCardChips {
  private readonly counters = new Map<string, number>();

  emvFor(card: TestCard, cvm: Cvm, uti: string, amount: number): CardEmv | undefined {
    if (card.entryMode !== 'ICC' && card.entryMode !== 'PICC') return undefined;
    // Each card starts from its own counter, as cards in the field are at different counts.
    const next = (this.counters.get(card.id) ?? parseInt(hex(card.id, 3), 16)) + 1;
    this.counters.set(card.id, next);
    const atc = (next & 0xffff).toString(16).toUpperCase().padStart(4, '0');
    return {
      tvr: cvm === 'PIN' ? TVR_ONLINE_PIN : TVR_ONLINE,
      tsi: cvm === 'NO_CVM' ? TSI_NO_CVM : TSI_WITH_CVM,
      atc,
      arqc: hex(`${card.id}|${uti}|${amount}|${atc}`, 16),
    };
  }
}
