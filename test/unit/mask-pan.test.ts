import { maskPan } from '../../src/reader/card-reader';
import { TEST_CARDS } from '../../src/reader/simulator/test-cards';

describe('maskPan', () => {
  it('masks the documented example as 47**********0010', () => {
    expect(maskPan('4761730000000010')).toBe('47**********0010');
  });

  it.each([13, 14, 15, 16, 17, 18, 19])('keeps the first 2 and the last 4 of a %d-digit PAN and its length', (length) => {
    const pan = Array.from({ length }, (_, i) => String((i * 7 + 3) % 10)).join('');
    const masked = maskPan(pan);
    expect(masked).toHaveLength(length);
    expect(masked.slice(0, 2)).toBe(pan.slice(0, 2));
    expect(masked.slice(-4)).toBe(pan.slice(-4));
    expect(masked.slice(2, -4)).toBe('*'.repeat(length - 6));
  });

  it('ignores spaces and dashes in the number', () => {
    expect(maskPan('4761 7300 0000 0010')).toBe('47**********0010');
    expect(maskPan('4761-7300-0000-0010')).toBe('47**********0010');
  });

  it('hides every digit of something too short to be a card number', () => {
    expect(maskPan('1234567')).toBe('*******');
  });

  it.each(Object.values(TEST_CARDS).map((c) => [c.id, c.pan] as const))('leaves no more than 6 digits of test card %s', (_id, pan) => {
    expect(maskPan(pan).replace(/\*/g, '')).toHaveLength(6);
  });
});
