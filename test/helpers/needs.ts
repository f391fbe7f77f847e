// A test file that needs a program npm cannot give runs when the program is there; otherwise its
// describe is skipped with a title that test/helpers/skip-reporter.js reads, to name the file and the
// one command that enables it in the last line of the run. No test installs anything.

/** What the skip reporter looks for in a skipped describe's title: `(skipped: needs Debian's <package>)`. */
export const SKIP_MARK = /\(skipped: needs Debian's ([a-z0-9.+-]+)\)$/;

/** `describe` when `available`, else `describe.skip` with the mark naming the Debian package that would give it. */
export function describeIf(available: boolean, debianPackage: string): (name: string, fn: () => void) => void {
  return available ? describe : (name, fn) => describe.skip(`${name} (skipped: needs Debian's ${debianPackage})`, fn);
}
