import jsQR from 'jsqr';
import { qrView } from '../../src/display/qr';

/** Draws the view's path (runs of dark modules, `M{x} {y}h{w}v1h-{w}z`) as an RGBA image, 4 pixels a module, with a quiet zone. */
function raster(view: ReturnType<typeof qrView>): { data: Uint8ClampedArray; side: number } {
  const scale = 4;
  const side = (view.size + 8) * scale;
  const data = new Uint8ClampedArray(side * side * 4).fill(255);
  for (const [, x, y, w] of view.path.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    for (let dx = 0; dx < Number(w) * scale; dx += 1) {
      for (let dy = 0; dy < scale; dy += 1) {
        const px = (Number(x) + 4) * scale + dx;
        const py = (Number(y) + 4) * scale + dy;
        data.fill(0, (py * side + px) * 4, (py * side + px) * 4 + 3);
      }
    }
  }
  return { data, side };
}

describe('the QR code of the customer display', () => {
  it.each([
    ['a pay-by-link URL', 'https://example.com/pay/l/8f2a?amount=12.50&ref=order-42'],
    ['text beyond Latin-1', 'Ümlaut café 会員登録 €'],
    ['the longest a display takes', 'x'.repeat(500)],
  ])('reads back as the text it was given: %s', (_what, text) => {
    const view = qrView(text);
    const { data, side } = raster(view);
    const read = jsQR(data, side, side);
    expect(read?.data).toBe(text);
    expect(view.size).toBeGreaterThanOrEqual(21);
  });
});
