/** Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`: PROT is one from PORT. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known name that `name` was most likely meant to be, if one is close enough to be a typo of it:
 * within a few edits (a third of its length, at least 2), or the start of it (`amount` for `amountTrans`).
 * Case is ignored; what is compared can be cut first (`key`: EPOSD_ left off a variable).
 */
export function closestName(name: string, known: readonly string[], key: (n: string) => string = (n) => n): string | undefined {
  const wanted = key(name).toLowerCase();
  if (wanted.length === 0) return undefined;
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const d = editDistance(wanted, key(candidate).toLowerCase());
    if (!best || d < best.distance) best = { name: candidate, distance: d };
  }
  if (best && best.distance <= Math.max(2, Math.floor(wanted.length / 3))) return best.name;
  const started = known.filter((k) => wanted.length >= 4 && key(k).toLowerCase().startsWith(wanted));
  return started.length === 1 ? started[0] : undefined;
}
