import { CANCELLABLE, TRANSITIONS, isLegal, type StateName } from '../../src/transactions/states';
import { needsCard } from '../../src/transactions/model';

const STATES: StateName[] = ['IDLE', 'AWAITING_TIP', 'AWAITING_CARD', 'READING_CARD', 'AWAITING_PIN', 'AUTHORIZING', 'PRINTING'];

// The moves of the diagram in SPEC §4 and states.ts, written out independently of TRANSITIONS.
const LEGAL: [StateName, StateName, string][] = [
  ['IDLE', 'AWAITING_CARD', 'a SALE, REFUND or PREAUTH starts'],
  ['IDLE', 'AWAITING_TIP', 'a SALE or PREAUTH with tipOnTerminal starts'],
  ['AWAITING_TIP', 'AWAITING_CARD', 'the cardholder chose a tip, or none'],
  ['AWAITING_TIP', 'IDLE', 'cancelled, or no choice in time'],
  ['IDLE', 'AUTHORIZING', 'a COMPLETION or REVERSAL starts: no card'],
  ['AWAITING_CARD', 'READING_CARD', 'a card is detected'],
  ['AWAITING_CARD', 'IDLE', 'cancelled, or no card in time'],
  ['READING_CARD', 'AWAITING_PIN', 'the card needs a PIN'],
  ['READING_CARD', 'AUTHORIZING', 'the card needs no PIN'],
  ['READING_CARD', 'IDLE', 'the card cannot be read, or cancelled'],
  ['AWAITING_PIN', 'AUTHORIZING', 'the PIN is entered'],
  ['AWAITING_PIN', 'IDLE', 'cancelled, or no PIN in time'],
  ['AUTHORIZING', 'PRINTING', 'an outcome with receipts to print'],
  ['AUTHORIZING', 'IDLE', 'an outcome with printing disabled'],
  ['PRINTING', 'IDLE', 'the receipts are printed'],
];

const key = (from: StateName, to: StateName) => `${from}→${to}`;
const legalKeys = new Set(LEGAL.map(([from, to]) => key(from, to)));
const ILLEGAL = STATES.flatMap((from) => STATES.map((to) => [from, to] as [StateName, StateName])).filter(([from, to]) => !legalKeys.has(key(from, to)));

describe('the transition table', () => {
  it.each(LEGAL)('allows %s → %s (%s)', (from, to) => {
    expect(isLegal(from, to)).toBe(true);
  });

  it.each(ILLEGAL)('refuses %s → %s', (from, to) => {
    expect(isLegal(from, to)).toBe(false);
  });

  it('lists exactly the moves of the diagram, every state included', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...STATES].sort());
    const listed = Object.entries(TRANSITIONS).flatMap(([from, tos]) => tos.map((to) => key(from as StateName, to)));
    expect(listed.sort()).toEqual([...legalKeys].sort());
    expect(LEGAL.length + ILLEGAL.length).toBe(STATES.length ** 2);
  });

  it('never stays in a state: no state moves to itself', () => {
    for (const s of STATES) expect(isLegal(s, s)).toBe(false);
  });

  it('can be cancelled only before the host has the payment', () => {
    expect([...CANCELLABLE].sort()).toEqual(['AWAITING_CARD', 'AWAITING_PIN', 'AWAITING_TIP', 'READING_CARD']);
  });

  it('asks for a card for SALE, REFUND and PREAUTH only', () => {
    expect((['SALE', 'REFUND', 'PREAUTH', 'COMPLETION', 'REVERSAL', 'INCREMENT'] as const).filter(needsCard)).toEqual(['SALE', 'REFUND', 'PREAUTH']);
  });
});
