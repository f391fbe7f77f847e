#!/usr/bin/env node
import { CommanderError } from 'commander';
import { CertificateChangedError, EposdApiError, EposdClientError } from '../client';
import { UsageError } from './amount';
import { EXIT } from './exit-codes';
import { buildProgram } from './program';
import { say } from './output';

function codeFor(err: unknown): number {
  if (err instanceof CertificateChangedError) return EXIT.KEY_CHANGED;
  return EXIT.ERROR;
}

export function messageFor(err: unknown): string {
  if (err instanceof EposdApiError) {
    const fields = err.problem.errors?.map((e) => `\n  ${e.field}: ${e.message}`).join('') ?? '';
    const uti = typeof err.problem.uti === 'string' ? ` (UTI ${err.problem.uti})` : '';
    // Busy with another payment: the next thing a developer wants is to see that one through.
    const follow = err.code === 'TERMINAL_BUSY' && uti ? `\nFollow it with: eposd-pos status ${err.problem.uti as string} --wait` : '';
    return `the terminal answered ${err.status} ${err.code}: ${err.problem.detail ?? err.problem.title}${uti}${fields}${follow}`;
  }
  if (err instanceof EposdClientError || err instanceof UsageError) return err.message;
  if (typeof (err as NodeJS.ErrnoException | null)?.code === 'string') return systemMessage(err as NodeJS.ErrnoException);
  return err instanceof Error ? err.message : String(err);
}

const SYSTEM_ERRORS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder',
  ENOSPC: 'the disk is full',
  EROFS: 'the file system is read-only',
};

/** A system error (the terminals file unreadable, a full disk…) in words, never Node's raw text. */
function systemMessage(err: NodeJS.ErrnoException): string {
  const what = SYSTEM_ERRORS[err.code!] ?? `failed (${err.code})`;
  return err.path ? `${err.path}: ${what}` : `${err.syscall ? `${err.syscall} ` : ''}${what}`;
}

/** Runs `eposd-pos` with `argv` (as process.argv) and answers its exit code. */
export async function run(argv: string[]): Promise<number> {
  let code: number = EXIT.OK;
  const program = buildProgram((c) => (code = c)).exitOverride();
  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    // Commander has already printed its own message (and the help, for --help and --version).
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.OK : EXIT.ERROR;
    say(process.stderr, `eposd-pos: ${messageFor(err)}`);
    return codeFor(err);
  }
}

if (require.main === module) {
  run(process.argv).then(
    (code) => process.exit(code),
    (err: unknown) => {
      say(process.stderr, `eposd-pos: ${String(err)}`);
      process.exit(EXIT.ERROR);
    },
  );
}
