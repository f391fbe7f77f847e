/*
 * The text a POS gives (a description, a line item's name, a UTI) as eposd lays it out on a receipt.
 * @NOTE A field cannot forge the receipt's line structure: it holds no control character (refused at
 * the API), any run of white space in it is one space (padding cannot push a word to the margin or the
 * middle of a printed line), and eposd wraps it itself to the receipt's width, every line after the
 * first indented under the first's text: each line it takes begins with its label or that indent,
 * never as a line of the receipt's own would ("AUTHORISED - 482913").
 */

/** The width a receipt line's text is laid out to (a 58 mm roll at the normal size). */
export const RECEIPT_WIDTH = 32;

const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;

/** Columns a text takes on the printer: CJK and other wide characters take two. */
export const widthOf = (text: string): number => [...text].reduce((w, c) => w + (WIDE.test(c) ? 2 : 1), 0);

/** A word cut into pieces of at most `room` columns (a UTI, or Japanese, has no spaces to break at). */
function pieces(word: string, room: number): string[] {
  const out: string[] = [];
  let piece = '';
  for (const c of word) {
    if (piece !== '' && widthOf(piece) + widthOf(c) > room) {
      out.push(piece);
      piece = '';
    }
    piece += c;
  }
  return piece === '' ? out : [...out, piece];
}

/** `text` after `label`, wrapped to `width` columns, the lines after the first indented by the label's width. */
export function wrapped(label: string, text: string, width = RECEIPT_WIDTH): string[] {
  const indent = ' '.repeat(widthOf(label));
  const room = Math.max(1, width - indent.length);
  const lines: string[] = [];
  let current = '';
  for (const word of text
    .trim()
    .split(/\s+/u)
    .flatMap((w) => pieces(w, room))) {
    if (current === '') current = word;
    else if (widthOf(current) + 1 + widthOf(word) <= room) current += ` ${word}`;
    else {
      lines.push(current);
      current = word;
    }
  }
  lines.push(current);
  return lines.map((l, i) => `${i === 0 ? label : indent}${l}`);
}
