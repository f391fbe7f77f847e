import { OPTIONS } from './options';

/** EPOSD_* variables that are not eposd's settings but belong here: eposd-pos's terminals file. */
const OTHER_KNOWN = ['EPOSD_POS_CONFIG'];

const KNOWN: readonly string[] = [...Object.values(OPTIONS).map((o) => o.env), ...OTHER_KNOWN];

/** Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`: PROT is one from PORT. */
function distance(a: string, b: string): number {
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

/** The known variable closest to `name`, if it is close enough to be a typo of it. */
export function closestVariable(name: string): string | undefined {
  const wanted = name.toUpperCase();
  let best: { name: string; distance: number } | undefined;
  for (const known of KNOWN) {
    const d = distance(wanted.slice('EPOSD_'.length), known.slice('EPOSD_'.length));
    if (!best || d < best.distance) best = { name: known, distance: d };
  }
  const tail = wanted.length - 'EPOSD_'.length;
  return best && best.distance <= Math.max(2, Math.floor(tail / 3)) ? best.name : undefined;
}

/**
 * One warning for each EPOSD_* variable (in any case) that eposd does not know: a typo such as
 * EPOSD_PROT would otherwise be ignored without a word, and the terminal would start on the default.
 */
export function unknownVariableWarnings(env: NodeJS.ProcessEnv): string[] {
  return Object.keys(env)
    .filter((name) => /^EPOSD_/i.test(name) && !KNOWN.includes(name))
    .sort()
    .map((name) => {
      const closest = closestVariable(name);
      return `${name} is not a setting of eposd and is ignored${closest ? `: did you mean ${closest}?` : ''} (npm start -- --help lists them all)`;
    });
}
