import { gmtOffset, javaDateString, receiptDateTime } from '../../src/transactions/java-date';

describe("javaDateString: Java's Date.toString() in the terminal's zone", () => {
  it('writes the documented example for 2025-04-28T06:27:25Z at GMT+03:00', () => {
    expect(javaDateString(new Date('2025-04-28T06:27:25Z'), 180)).toBe('Mon Apr 28 09:27:25 GMT+03:00 2025');
  });

  it('writes a negative offset, and moves the day back across midnight', () => {
    expect(javaDateString(new Date('2025-04-28T02:05:09Z'), -300)).toBe('Sun Apr 27 21:05:09 GMT-05:00 2025');
  });

  it('writes a half-hour negative offset with its minutes', () => {
    expect(javaDateString(new Date('2025-07-01T12:00:00Z'), -210)).toBe('Tue Jul 01 08:30:00 GMT-03:30 2025');
  });

  it('pads the day of the month to two digits and crosses the year', () => {
    expect(javaDateString(new Date('2024-12-31T23:59:59Z'), 60)).toBe('Wed Jan 01 00:59:59 GMT+01:00 2025');
  });

  it('writes UTC as GMT+00:00', () => {
    expect(javaDateString(new Date('2025-02-03T04:05:06Z'), 0)).toBe('Mon Feb 03 04:05:06 GMT+00:00 2025');
  });

  it("uses this process's own offset by default", () => {
    const d = new Date('2025-04-28T06:27:25Z');
    expect(javaDateString(d)).toBe(javaDateString(d, -d.getTimezoneOffset()));
  });

  it.each([
    [0, 'GMT+00:00'],
    [330, 'GMT+05:30'],
    [-570, 'GMT-09:30'],
    [840, 'GMT+14:00'],
  ])('writes an offset of %d minutes as %s', (minutes, text) => {
    expect(gmtOffset(minutes)).toBe(text);
  });

  it('gives receipts the local date and time as DD/MM/YYYY and HH:MM:SS', () => {
    expect(receiptDateTime(new Date('2025-04-28T06:27:25Z'), 180)).toEqual({ date: '28/04/2025', time: '09:27:25' });
    expect(receiptDateTime(new Date('2025-01-01T01:02:03Z'), -120)).toEqual({ date: '31/12/2024', time: '23:02:03' });
  });
});
