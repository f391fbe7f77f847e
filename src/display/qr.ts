import qrcode from 'qrcode-generator';

/** A QR code as the screen draws it: `size` modules a side, and an SVG path of its dark modules (one unit each). */
export interface QrView {
  text: string;
  size: number;
  path: string;
}

/**
 * Encodes `text` as UTF-8 bytes at error correction M (a code read off a screen, at arm's length),
 * the smallest version that holds it. The library's byte mode takes one character per byte, so the
 * UTF-8 bytes are handed over as Latin-1 characters.
 */
export function qrView(text: string): QrView {
  const code = qrcode(0, 'M');
  code.addData(Buffer.from(text, 'utf8').toString('latin1'), 'Byte');
  code.make();
  const size = code.getModuleCount();
  const runs: string[] = [];
  for (let row = 0; row < size; row += 1) {
    for (let col = 0; col < size; col += 1) {
      if (!code.isDark(row, col)) continue;
      let end = col;
      while (end + 1 < size && code.isDark(row, end + 1)) end += 1;
      runs.push(`M${col} ${row}h${end - col + 1}v1h-${end - col + 1}z`);
      col = end;
    }
  }
  return { text, size, path: runs.join('') };
}
