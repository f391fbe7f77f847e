import { PRINT_COLUMNS, wrap, wrapLines } from '../../src/bridge/printer';

// Issue 25, defect 9: receipts through the bridge always print; a long line is wrapped to the printer's
// width rather than refused by the protocol's schema.

describe('wrap', () => {
  it('When a line fits, then it is sent as it is, indent and all', () => {
    expect(wrap('  TAX: 1.00')).toEqual(['  TAX: 1.00']);
  });

  it('When a line is longer than the printer, then it is broken at spaces into pieces that fit, losing no word', () => {
    const text = 'Table seven: two flat whites, a croissant and the bill split three ways please';
    const pieces = wrap(text);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.every((p) => p.length <= PRINT_COLUMNS)).toBe(true);
    expect(pieces.join(' ')).toBe(text);
  });

  it('When a word is longer than the printer (a UTI), then it is cut inside the word', () => {
    const uti = `UTI: ${'a'.repeat(64)}`;
    const pieces = wrap(uti);
    expect(pieces.every((p) => p.length <= PRINT_COLUMNS)).toBe(true);
    expect(pieces.join('')).toBe(uti.replace(' ', ''));
  });

  it('When the text is wide (Japanese), then each character counts two columns', () => {
    const pieces = wrap('お会計'.repeat(10));
    expect(pieces.map((p) => [...p].length)).toEqual([16, 14]);
  });

  it('keeps each piece’s size, alignment and style', () => {
    expect(wrapLines([[`${'x'.repeat(40)}`, '4', 'C', 'B']])).toEqual([
      ['x'.repeat(32), '4', 'C', 'B'],
      ['x'.repeat(8), '4', 'C', 'B'],
    ]);
  });
});
