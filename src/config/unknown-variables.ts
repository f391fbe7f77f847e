import { closestName } from '../shared/closest';
import { OPTIONS } from './options';

/** EPOSD_* variables that are not eposd's settings but belong here: eposd-pos's terminals file. */
const OTHER_KNOWN = ['EPOSD_POS_CONFIG'];

const KNOWN: readonly string[] = [...Object.values(OPTIONS).map((o) => o.env), ...OTHER_KNOWN];

/** The known variable closest to `name`, if it is close enough to be a typo of it. */
export const closestVariable = (name: string): string | undefined => closestName(name, KNOWN, (n) => n.slice('EPOSD_'.length));

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
