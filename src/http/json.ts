import { ApiError, ValidationError } from '../shared/errors';

/**
 * The first key that appears twice in one object of `text` (already known to be valid JSON), with
 * its path, e.g. `lineItems.0.name`; undefined when there is none.
 * @NOTE JSON.parse keeps the last of two equal keys: `{"amountTrans":1250,"amountTrans":5}` would
 * charge 5. A payment API must refuse what it cannot read one way only.
 */
export function duplicateKey(text: string): string | undefined {
  // One frame per open object or array: an object's keys so far, an array's index.
  const frames: { keys?: Set<string>; index: number; key?: string }[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      while (text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c /* \ */ ? 2 : 1;
      if (expectKey) {
        const frame = frames[frames.length - 1]!;
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (frame.keys!.has(key)) return [...frames.slice(0, -1).map(pathPart), key].join('.');
        frame.keys!.add(key);
        frame.key = key;
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b /* { */) {
      frames.push({ keys: new Set(), index: 0 });
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      frames.push({ index: 0 });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      frames.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      const frame = frames[frames.length - 1]!;
      if (frame.keys) expectKey = true;
      else frame.index += 1;
    }
  }
  return undefined;
}

const pathPart = (f: { keys?: Set<string>; index: number; key?: string }): string => (f.keys ? f.key! : String(f.index));

/** Parses a request body: malformed JSON is a 400 MALFORMED_JSON, a duplicate key a 400 naming it. */
export function parseBody(text: string): unknown {
  // As body parsers do: a UTF-8 byte order mark is not part of the JSON.
  const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new ApiError('MALFORMED_JSON', 'The body could not be parsed as JSON.');
  }
  const twice = typeof value === 'object' && value !== null ? duplicateKey(json) : undefined;
  if (twice !== undefined) throw new ValidationError([{ field: twice, message: 'is sent more than once: send each field once' }]);
  return value;
}

// A body given again as the same object (a status kept by its service) is serialized and encoded once.
const serialized = new WeakMap<object, Buffer>();

/** A body as the bytes of its JSON, remembered for an object given again: made once, written as they are. */
export function jsonBytes(body: unknown): Buffer {
  if (typeof body !== 'object' || body === null) return Buffer.from(JSON.stringify(body));
  let bytes = serialized.get(body);
  if (bytes === undefined) serialized.set(body, (bytes = Buffer.from(JSON.stringify(body))));
  return bytes;
}
