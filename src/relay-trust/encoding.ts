// Byte helpers of the relay's trust protocol: one way to frame fields and to spell bytes on the wire.

/** Each part behind its length (2 bytes, big-endian): no two lists of parts frame to the same bytes. */
export function framed(...parts: (string | Uint8Array)[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(bytes.length);
    chunks.push(length, bytes);
  }
  return Buffer.concat(chunks);
}

export const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

/** The bytes of a base64url field of `length` bytes (or within [min, max]), else undefined. */
export function unb64(text: unknown, min: number, max = min): Buffer | undefined {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text) || text.length > Math.ceil((max * 4) / 3)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.length >= min && bytes.length <= max ? bytes : undefined;
}
