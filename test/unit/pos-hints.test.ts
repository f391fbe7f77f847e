import { EposdApiError } from '../../src/client';
import { minorUnitsHint } from '../../src/cli/amount';
import { messageFor } from '../../src/cli/main';

describe('eposd-pos, for a POS developer who thinks in minor units', () => {
  it('when a whole amount of three digits or more is typed without --minor, then it notes how it was read and how to say 12.50', () => {
    expect(minorUnitsHint('1250', false)).toBe('note: 1250 is read as EUR 1250.00 (amounts are major units): for EUR 12.50 write 12.50, or --minor 1250');
    expect(minorUnitsHint('1250', false, 'GBP')).toContain('GBP 1250.00');
  });

  it('when the amount has decimals, is small, is in minor units already or in a currency without decimals, then it says nothing', () => {
    for (const [text, minor, currency] of [
      ['12.50', false],
      ['12', false],
      ['1250', true],
      ['1250', false, 'JPY'],
    ] as const) {
      expect(minorUnitsHint(text, minor, currency)).toBeUndefined();
    }
  });
});

describe("eposd-pos's message for a refusal", () => {
  it('when the terminal is busy with another payment, then it names that payment and the command that follows it', () => {
    const busy = new EposdApiError({ type: 'about:blank', title: 'Conflict', status: 409, code: 'TERMINAL_BUSY', detail: 'Another transaction is in progress on this terminal.', uti: 'abc123' });
    expect(messageFor(busy)).toBe('the terminal answered 409 TERMINAL_BUSY: Another transaction is in progress on this terminal. (UTI abc123)\nFollow it with: eposd-pos status abc123 --wait');
  });
});
