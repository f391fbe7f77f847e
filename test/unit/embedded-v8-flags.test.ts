import { execFileSync } from 'node:child_process';
import { inProcessV8Flags } from '../../src/embedded';
import { ROOT } from '../helpers/process';

/** npm start's Node arguments, as scripts/runtime.mjs exports them (the flags a host app is told to pass). */
function npmStartArgs(): string[] {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', "console.log(JSON.stringify((await import('./scripts/runtime.mjs')).NODE_ARGS))"], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return JSON.parse(out) as string[];
}

describe('the V8 flags an embedded start sets in-process', () => {
  it('sets --optimize-for-size when Node was started without heap flags', () => {
    expect(inProcessV8Flags([])).toEqual(['--optimize-for-size']);
    // A heap limit alone leaves the young generation at its desktop size: the flag still helps.
    expect(inProcessV8Flags(['--max-old-space-size=128'])).toEqual(['--optimize-for-size']);
  });

  it("adds nothing to npm start's heap flags passed as Node's arguments", () => {
    const args = npmStartArgs();
    expect(args.some((a) => a.startsWith('--max-semi-space-size'))).toBe(true);
    expect(inProcessV8Flags(args)).toEqual([]);
  });

  it('adds nothing when Node was started with --optimize-for-size', () => {
    expect(inProcessV8Flags(['--optimize-for-size', '--max-old-space-size=128'])).toEqual([]);
  });
});
