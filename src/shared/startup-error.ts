/**
 * A start refused because of a file: the message names the file, says what is wrong with it and what
 * to do, because it is the one line an installer sees (`eposd: could not start: …`).
 */
export class StartupError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly remedy: string,
  ) {
    super(`${file}: ${problem}. ${remedy}`);
  }
}

/** A name for a file set aside, next to it and never over another: `key.pem.damaged-20261201T231253Z`. */
export const asideName = (file: string, why: string, now: Date): string => `${file}.${why}-${now.toISOString().replace(/[-:]|\.\d+/g, '')}`;
