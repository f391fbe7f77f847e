const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** The offset in the form Android's Date.toString gives it when the zone has no short name: GMT+03:00. */
export function gmtOffset(offsetMinutesEast: number): string {
  const sign = offsetMinutesEast < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutesEast);
  return `GMT${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

/**
 * Java's `Date.toString()` in the terminal's local time zone: "Mon Apr 28 09:27:25 GMT+03:00 2025".
 * `offsetMinutesEast` is for tests; by default it is this process's offset at that instant.
 */
export function javaDateString(date: Date, offsetMinutesEast: number = -date.getTimezoneOffset()): string {
  const local = new Date(date.getTime() + offsetMinutesEast * 60_000);
  return [
    DAYS[local.getUTCDay()],
    MONTHS[local.getUTCMonth()],
    two(local.getUTCDate()),
    `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())}`,
    gmtOffset(offsetMinutesEast),
    local.getUTCFullYear(),
  ].join(' ');
}

/** "28/04/2025 09:27:25" in the terminal's local time, for receipts. */
export function receiptDateTime(date: Date, offsetMinutesEast: number = -date.getTimezoneOffset()): { date: string; time: string } {
  const l = new Date(date.getTime() + offsetMinutesEast * 60_000);
  return {
    date: `${two(l.getUTCDate())}/${two(l.getUTCMonth() + 1)}/${l.getUTCFullYear()}`,
    time: `${two(l.getUTCHours())}:${two(l.getUTCMinutes())}:${two(l.getUTCSeconds())}`,
  };
}
