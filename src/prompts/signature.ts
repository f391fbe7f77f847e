import { greyPng } from './png';
import type { SignatureValue } from './prompts.schemas';

/** What the screen sends for a signature: the strokes drawn, each a list of [x, y] points in the pad's pixels. */
export interface SignatureInput {
  strokes: [number, number][][];
  width: number;
  height: number;
}

const MAX_STROKES = 60;
const MAX_POINTS = 4000;
const PEN_RADIUS = 1.6;

const isPoint = (p: unknown, w: number, h: number): p is [number, number] =>
  Array.isArray(p) && p.length === 2 && Number.isInteger(p[0]) && Number.isInteger(p[1]) && p[0] >= 0 && p[1] >= 0 && p[0] <= w && p[1] <= h;

/** The ink's length: a tap or two is not a signature. */
const inkLength = (strokes: [number, number][][]) => strokes.reduce((sum, s) => sum + s.slice(1).reduce((n, [x, y], i) => n + Math.hypot(x - s[i]![0], y - s[i]![1]), 0), 0);

/**
 * The signature the POS reads, from the strokes drawn on the screen: SVG path data of the strokes,
 * a PNG of them (black on white, the pad's size), and how many there were. Undefined when what came
 * is not strokes on the pad, or too little ink to be a signature (at least a tenth of the pad's width).
 */
export function signatureValue(input: SignatureInput | undefined): SignatureValue | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const { strokes, width, height } = input;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 100 || width > 1200 || height < 50 || height > 600) return undefined;
  if (!Array.isArray(strokes) || strokes.length === 0 || strokes.length > MAX_STROKES) return undefined;
  let points = 0;
  for (const s of strokes) {
    if (!Array.isArray(s) || s.length === 0 || !s.every((p) => isPoint(p, width, height))) return undefined;
    points += s.length;
  }
  if (points > MAX_POINTS || inkLength(strokes) < width / 10) return undefined;
  const svgPath = strokes
    .map(
      (s) =>
        `M${s[0]![0]} ${s[0]![1]}${
          s.length === 1
            ? 'l0 0'
            : s
                .slice(1)
                .map(([x, y]) => `L${x} ${y}`)
                .join('')
        }`,
    )
    .join('');
  return { svgPath, png: draw(strokes, width, height).toString('base64'), strokes: strokes.length, width, height };
}

/** The strokes in black on white: a round pen stamped along each segment, a pixel at a time. */
function draw(strokes: [number, number][][], width: number, height: number): Buffer {
  const pixels = new Uint8Array(width * height).fill(255);
  const r = Math.ceil(PEN_RADIUS);
  const dot = (cx: number, cy: number) => {
    for (let y = Math.max(0, Math.round(cy) - r); y <= Math.min(height - 1, Math.round(cy) + r); y += 1) {
      for (let x = Math.max(0, Math.round(cx) - r); x <= Math.min(width - 1, Math.round(cx) + r); x += 1) {
        if ((x - cx) ** 2 + (y - cy) ** 2 <= PEN_RADIUS ** 2) pixels[y * width + x] = 0;
      }
    }
  };
  for (const s of strokes) {
    dot(s[0]![0], s[0]![1]);
    for (let i = 1; i < s.length; i += 1) {
      const [x0, y0] = s[i - 1]!;
      const [x1, y1] = s[i]!;
      const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0)));
      for (let k = 1; k <= steps; k += 1) dot(x0 + ((x1 - x0) * k) / steps, y0 + ((y1 - y0) * k) / steps);
    }
  }
  return greyPng(width, height, pixels);
}
