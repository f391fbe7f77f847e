import { parseAmount, formatAmount } from '../../src/cli/amount';
import { outcomeExitCode } from '../../src/cli/exit-codes';
import { renderReceipt } from '../../src/cli/render';

describe('eposd-pos amounts', () => {
  it.each([
    ['12.50', 1250],
    ['12.5', 1250],
    ['12', 1200],
    ['0.01', 1],
    ['999999.99', 99_999_999],
  ])('reads %s as %i minor units', (text, minor) => {
    expect(parseAmount(text)).toBe(minor);
  });

  it('reads whole minor units with --minor', () => {
    expect(parseAmount('1250', true)).toBe(1250);
    expect(() => parseAmount('12.50', true)).toThrow(/whole number of minor units/);
  });

  it.each(['12,50', '1.234', '-5', '', 'abc', '1e3', '0', '0.00', '1000000.00'])('refuses %j', (text) => {
    expect(() => parseAmount(text)).toThrow();
  });

  it('writes minor units back with two decimals', () => {
    expect(formatAmount(1250, 'EUR')).toBe('EUR 12.50');
    expect(formatAmount(5)).toBe('0.05');
  });
});

describe('eposd-pos exit codes', () => {
  it('tells approved, declined, cancelled or timed out, and failed apart', () => {
    expect(['APPROVED', 'DECLINED', 'CANCELLED', 'TIMED_OUT', 'FAILED'].map((s) => outcomeExitCode(s as never))).toEqual([0, 2, 3, 3, 4]);
  });
});

describe('receipts on the command line', () => {
  it('lays each line out left, centred or right on 40 columns, bold only on a terminal', () => {
    const text = renderReceipt([
      ['SHOP', '5', 'C', 'B'],
      ['left', '3', 'L', 'N'],
      ['right', '3', 'R', 'N'],
    ]);
    const lines = text.split('\n');
    expect(lines[1]).toBe(`${' '.repeat(18)}SHOP`);
    expect(lines[2]).toBe('left');
    expect(lines[3]).toBe(`${' '.repeat(35)}right`);
    expect(renderReceipt([['SHOP', '5', 'C', 'B']], true)).toContain('\x1b[1m');
  });
});
