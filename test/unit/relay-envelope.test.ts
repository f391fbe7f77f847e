import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TObject } from '@sinclair/typebox';
import { PresenceSchema, readAnswer, readPresence, readRequest, readSeen, requestPayload, SeenSchema, WireAnswer, WireRequest } from '../../src/relay/protocol';

const payload = (v: unknown) => Buffer.from(JSON.stringify(v));

/** The rows docs/relay.md's envelope table must hold, made from the one definition: message, wire field, name, meaning. */
function envelopeRows(): string[] {
  const messages: [string, TObject][] = [
    ['request', WireRequest],
    ['answer', WireAnswer],
    ['presence', PresenceSchema],
    ['seen', SeenSchema],
  ];
  return messages.flatMap(([message, schema]) =>
    Object.entries(schema.properties).map(([field, s]) => {
      const [name, ...meaning] = String(s.description).split(': ');
      return `| ${message} | \`${field}\` | ${name} | ${meaning.join(': ')} |`;
    }),
  );
}

describe("the relay's envelope", () => {
  it('reads a request under the names the code uses, and a payload not in its shape as none', () => {
    const request = { m: 'GET', u: '/payntpos/1.0.0/transactions', h: { authorization: 'x' }, o: '192.0.2.1'.repeat(10), extra: 1 };
    expect(readRequest(payload(request))).toEqual({ method: 'GET', url: request.u, headers: request.h, body: undefined, origin: request.o.slice(0, 64) });
    expect(readRequest(payload({ ...request, h: { authorization: 1 } }))).toBeUndefined();
    expect(readRequest(payload({ ...request, m: undefined }))).toBeUndefined();
    expect(readRequest(payload({ ...request, b: 12 }))).toBeUndefined();
    expect(readRequest(Buffer.from('{"m":'))).toBeUndefined();
  });

  it('writes a request as the one-letter fields deployed peers read', () => {
    const wire: unknown = JSON.parse(requestPayload({ method: 'POST', url: '/payntpos/1.0.0/transaction', headers: {}, body: '{}', origin: '192.0.2.1' }).toString());
    expect(wire).toEqual({ m: 'POST', u: '/payntpos/1.0.0/transaction', h: {}, b: '{}', o: '192.0.2.1' });
  });

  it('reads answers, presences and seen times only in their shapes', () => {
    expect(readAnswer(payload({ s: 200, h: ['Content-Type', 'application/json'], b: '{}' }))).toEqual({ status: 200, headers: ['Content-Type', 'application/json'], body: '{}' });
    expect(readAnswer(payload({ s: '200', h: [], b: '' }))).toBeUndefined();
    expect(readAnswer(payload({ s: 200, h: [1], b: '' }))).toBeUndefined();
    expect(readPresence(payload({ tid: '12345678', online: false, lastSeen: null }))).toEqual({ tid: '12345678', online: false, lastSeen: null });
    expect(readPresence(payload({ tid: '12345678', online: 'yes', lastSeen: null }))).toBeUndefined();
    expect(readSeen(payload({ lastSeen: '2026-12-08T00:00:00.000Z' }))).toEqual({ lastSeen: '2026-12-08T00:00:00.000Z' });
    expect(readSeen(payload({}))).toBeUndefined();
  });

  it('is described in docs/relay.md from its definition, field by field', () => {
    const doc = readFileSync(join(__dirname, '../../docs/relay.md'), 'utf8');
    const rows = doc.split('\n').filter((line) => /^\| (request|answer|presence|seen) \| `/.test(line));
    expect(rows).toEqual(envelopeRows());
  });
});
