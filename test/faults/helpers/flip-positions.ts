import { statSync } from 'node:fs';

// Where the bit-flip sweep damages a database: named byte offsets of the write-ahead log and of the
// main file, so that a figure can say which part of which file each flip hit.

const WAL_HEADER = 32;
const FRAME_HEADER = 24;

export interface Position {
  file: 'wal' | 'db';
  offset: number;
  bit: number;
  /** What the byte is: `wal header`, `frame 12 header`, `frame 12 page`, `db header`, `page 7`. */
  part: string;
}

/** Up to `n` of `items`, spread evenly, always the first and the last. */
export function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  return Array.from({ length: n }, (_, i) => items[Math.round((i * (items.length - 1)) / Math.max(1, n - 1))]!);
}

/**
 * The log: its header, every frame's header (or `frames` of them, spread), and the page of every
 * `pageEvery`-th of those. The byte and the bit move with the frame, so that each field is hit.
 */
export function walPositions(walFile: string, o: { headerBytes: number; frames: number; pageEvery: number; pageSize?: number }): Position[] {
  const pageSize = o.pageSize ?? 4096;
  const size = sizeOf(walFile);
  if (size < WAL_HEADER) return [];
  const total = Math.floor((size - WAL_HEADER) / (FRAME_HEADER + pageSize));
  const positions: Position[] = spread(
    Array.from({ length: WAL_HEADER }, (_, b) => b),
    o.headerBytes,
  ).map((b) => ({ file: 'wal', offset: b, bit: b % 8, part: 'wal header' }));
  const chosen = spread(
    Array.from({ length: total }, (_, i) => i),
    o.frames,
  );
  chosen.forEach((frame, k) => {
    const start = WAL_HEADER + frame * (FRAME_HEADER + pageSize);
    positions.push({ file: 'wal', offset: start + (frame % FRAME_HEADER), bit: (frame * 3) % 8, part: `frame ${frame} header` });
    if (k % o.pageEvery === 0) positions.push({ file: 'wal', offset: start + FRAME_HEADER + ((frame * 997) % pageSize), bit: frame % 8, part: `frame ${frame} page` });
  });
  return positions;
}

/** The main file: `headerBytes` of its 100-byte header, and `perPage` places in each of `pages` pages, spread. */
export function dbPositions(dbFile: string, o: { headerBytes: number; pages: number; perPage: number; pageSize?: number }): Position[] {
  const pageSize = o.pageSize ?? 4096;
  const total = Math.floor(sizeOf(dbFile) / pageSize);
  const positions: Position[] = spread(
    Array.from({ length: 100 }, (_, b) => b),
    o.headerBytes,
  ).map((b) => ({ file: 'db', offset: b, bit: b % 8, part: 'db header' }));
  for (const page of spread(
    Array.from({ length: total }, (_, i) => i),
    o.pages,
  )) {
    for (let k = 0; k < o.perPage; k++) {
      const within = page === 0 ? 100 + ((k * 1409) % (pageSize - 100)) : (k * 1409 + page * 61) % pageSize;
      positions.push({ file: 'db', offset: page * pageSize + within, bit: (page + k) % 8, part: `page ${page + 1}` });
    }
  }
  return positions;
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
