/** The most recent local time "HH:MM" at or before `now`. */
export function lastScheduledAt(now: Date, hhmm: string): Date {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const at = new Date(now);
  at.setHours(h, m, 0, 0);
  if (at > now) at.setDate(at.getDate() - 1);
  return at;
}

/** The next local time "HH:MM" strictly after `now`. */
export function nextScheduledAt(now: Date, hhmm: string): Date {
  const last = lastScheduledAt(now, hhmm);
  const next = new Date(last);
  next.setDate(next.getDate() + 1);
  return next;
}
