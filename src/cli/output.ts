/*
 * @NOTE eposd-pos writes nothing to a person's terminal that could drive it but what it made itself.
 * Whatever came from elsewhere (the terminal's answers, an mDNS announcement, a file) is written through
 * here: every C0 and C1 control character and DEL becomes U+FFFD, so an escape sequence shows as
 * harmless text and cannot move the cursor, recolour, clear the screen or retitle the window. The
 * escapes eposd-pos makes itself (bold on a terminal, the progress line rewritten) are added after.
 */

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/gu;

/** One line of text from elsewhere, with no control character left (a line break included). */
export const printable = (text: string): string => text.replace(CONTROLS, '\ufffd');

/** Text for a person: each of its lines made printable, then a line break. */
export function say(stream: NodeJS.WritableStream, text: string): void {
  stream.write(`${text.split('\n').map(printable).join('\n')}\n`);
}

/** JSON for a script: JSON.stringify escapes C0 already; DEL and C1 are escaped too (the same value, as \u00XX). */
export function sayJson(stream: NodeJS.WritableStream, value: unknown): void {
  const text = JSON.stringify(value, null, 2).replace(/[\u007f-\u009f]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  stream.write(`${text}\n`);
}
