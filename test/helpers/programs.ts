import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The path of the program `name` on PATH, or undefined: for the tests that need a program npm does not install. */
export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}
