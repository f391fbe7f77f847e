import fc from 'fast-check';

// The requests the fuzzer sends, as fast-check arbitraries: every route of the API, every method,
// query strings with known and unknown keys, odd headers and bodies from plain junk to near-valid
// payloads. Everything here is something Node's HTTP client will put on the wire; what it refuses to
// send (invalid header bytes, lying Content-Length) is sent over raw sockets by the fuzz test itself.

export const BASE = '/payntpos/1.0.0';
export const ROUTES = ['/pair', '/transaction', '/transactions', '/print', '/events', '/settlement', '/diagnostics', '/diagnostics/self-test', '/health', '/openapi.json', '/display', '/prompt'];
/** Each route with the methods it takes: most requests use one of these, so that they get past 405. */
const ENDPOINTS: [string, string][] = [
  ['/pair', 'GET'],
  ['/pair', 'POST'],
  ['/pair', 'DELETE'],
  ['/transaction', 'GET'],
  ['/transaction', 'POST'],
  ['/transaction', 'POST'],
  ['/transaction', 'POST'],
  ['/transaction', 'DELETE'],
  ['/transactions', 'GET'],
  ['/print', 'POST'],
  ['/events', 'GET'],
  ['/settlement', 'GET'],
  ['/settlement', 'POST'],
  ['/diagnostics', 'GET'],
  ['/diagnostics/self-test', 'POST'],
  ['/health', 'GET'],
  ['/openapi.json', 'GET'],
  ['/display', 'PUT'],
  ['/display', 'DELETE'],
  ['/prompt', 'POST'],
  ['/prompt', 'GET'],
  ['/prompt', 'DELETE'],
];

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** What the Authorization header carries; the fuzz test puts the real tokens in. */
  auth: FuzzAuth;
}

export type FuzzAuth = { kind: 'none' | 'revoked' | 'pos' | 'technician' | 'pos-bearer' | 'pos-tampered' } | { kind: 'garbage'; value: string };

export interface FuzzWorld {
  /** UTIs that exist on the terminal, so that some requests reach past "not found". */
  knownUtis: string[];
  tid: string;
}

const utiChars = fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789-'.split(''));
const validUti = fc.string({ unit: utiChars, minLength: 1, maxLength: 64 });
const anyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.constantFrom('', ' ', '\u0000', '\ufeff', '\u202e', '💳💳💳', 'null', 'undefined', 'NaN', '-0', '1e309', '0x10', '../../etc/passwd', "' OR 1=1 --", '<script>', '%00', 'a'.repeat(5000)),
);
const hugeNumberText = fc.constantFrom('1e400', '-1e400', '123456789012345678901234567890', '9007199254740993', '-0', '0.1e1', '1E3', '1000.0', '1e-400', '99999999', '100000000', '0', '-1');

/** A JSON text that is not quite a valid request: the fields of every body eposd takes, right and wrong. */
function nearValidBody(world: FuzzWorld): fc.Arbitrary<string> {
  const value = fc.oneof(
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    { weight: 1, arbitrary: anyText },
    { weight: 1, arbitrary: fc.constantFrom(null, true, 0, -1, 1.5, 2 ** 53, Number.MAX_SAFE_INTEGER, [], {}) },
  );
  const fields = fc.record(
    {
      transType: fc.oneof(fc.constantFrom('SALE', 'REFUND', 'PREAUTH', 'COMPLETION', 'REVERSAL', 'sale', 'VOID', ''), value),
      amountTrans: fc.oneof(fc.integer({ min: 1, max: 99_999_999 }), fc.constantFrom(1000, 1005, 1091, 1096, 1097, 1098, 0, -5, 100_000_000, 1.5), value),
      reference: fc.oneof(fc.string({ unit: utiChars, minLength: 1, maxLength: 36 }), value),
      uti: fc.oneof(fc.constantFrom(...world.knownUtis), validUti, value),
      pairingCode: fc.oneof(fc.stringMatching(/^\d{6}$/), value),
      registerId: fc.oneof(fc.constantFrom('till-fuzz', 'x'), value),
      registerName: value,
      role: fc.oneof(fc.constantFrom('pos', 'technician', 'admin'), value),
      callbackUrl: fc.oneof(fc.webUrl(), value),
      action: fc.constantFrom('openPairing', 'unpairAll', 'presentCard'),
      type: fc.oneof(fc.constantFrom('confirm', 'select', 'text', 'email', 'phone', 'number', 'signature', 'colour'), value),
      title: fc.oneof(fc.constantFrom('Add a bag?', 'Bag?\nReally?'), value),
      promptId: fc.oneof(validUti, value),
      options: fc.oneof(
        fc.constantFrom(
          [
            { id: 's', label: 'S' },
            { id: 'l', label: 'L' },
          ],
          [{ id: 's', label: 'S' }],
        ),
        value,
      ),
      lineItems: fc.oneof(fc.constantFrom([{ name: 'Tea', quantity: 2, unitAmount: 250 }], [{ name: 'Tea\u0007', quantity: 0, unitAmount: -1 }]), value),
      message: value,
      qr: value,
      extra: value,
    },
    { requiredKeys: [] },
  );
  return fields.map((o) => JSON.stringify(o));
}

/** A transaction body that is valid, or one field away from it: these reach the rules past validation. */
function transactionBody(world: FuzzWorld): fc.Arbitrary<string> {
  const valid = fc.record(
    {
      transType: fc.constantFrom('SALE', 'SALE', 'REFUND', 'PREAUTH', 'COMPLETION', 'REVERSAL'),
      amountTrans: fc.oneof(fc.integer({ min: 1, max: 99_999_999 }), fc.constantFrom(1000, 1005, 1051, 1091, 1096, 1097, 1098, 6000, 6055)),
      reference: fc.string({ unit: utiChars, minLength: 1, maxLength: 36 }),
      uti: fc.oneof(fc.constantFrom(...world.knownUtis), validUti),
    },
    { requiredKeys: ['transType'] },
  );
  const mutation = fc.option(fc.tuple(fc.constantFrom('transType', 'amountTrans', 'reference', 'uti', 'extra'), fc.oneof(fc.jsonValue({ maxDepth: 1 }), anyText, hugeNumberText)), { freq: 2 });
  return fc.tuple(valid, mutation).map(([b, m]) => JSON.stringify(m ? { ...b, [m[0]]: m[1] } : b));
}

function body(world: FuzzWorld): fc.Arbitrary<string | Buffer | undefined> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(undefined) },
    { weight: 6, arbitrary: nearValidBody(world) },
    { weight: 4, arbitrary: transactionBody(world) },
    { weight: 2, arbitrary: fc.json({ maxDepth: 4 }) },
    // Duplicate keys: which one wins must not matter.
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('SALE', 'REFUND', 'COMPLETION', 'REVERSAL'), fc.constantFrom('SALE', 'BOGUS', '1'), fc.integer({ min: -10, max: 20000 }))
        .map(([a, b, n]) => `{"transType":"${a}","amountTrans":${n},"transType":"${b}","amountTrans":"${n}"}`),
    },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('amountTrans', 'uti', 'transType', 'pairingCode'), hugeNumberText).map(([k, n]) => `{"transType":"SALE","${k}":${n}}`) },
    // Deep nesting, up to what fits in 16 KiB.
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 10, max: 8000 }), fc.boolean()).map(([d, arr]) => (arr ? '['.repeat(d) + ']'.repeat(d) : '{"a":'.repeat(d) + '1' + '}'.repeat(d))) },
    // Truncated JSON.
    { weight: 1, arbitrary: fc.tuple(nearValidBody(world), fc.nat()).map(([s, n]) => s.slice(0, n % Math.max(1, s.length))) },
    // Not UTF-8, not JSON at all.
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)) },
    { weight: 1, arbitrary: anyText },
    // Over the 16 KiB limit.
    { weight: 1, arbitrary: fc.integer({ min: 16 * 1024 + 1, max: 40_000 }).map((n) => JSON.stringify({ transType: 'SALE', reference: 'x'.repeat(n) })) },
  );
}

const queryKey = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'uti',
      'tid',
      'wait',
      'disablePrinting',
      'pairingCode',
      'registerId',
      'registerName',
      'role',
      'callbackUrl',
      'reference',
      'status',
      'type',
      'from',
      'to',
      'limit',
      'cursor',
      'copy',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'uti[]', 'uti[a]', 'a.b', '') },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

function queryValue(world: FuzzWorld): fc.Arbitrary<string> {
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc.oneof(
        fc.constantFrom(...world.knownUtis),
        validUti,
        fc.constant(world.tid),
        fc.constantFrom('true', 'false', '1', '60', '61', '0', '100', 'SALE', 'APPROVED', 'IN_PROGRESS', 'cardholder', 'merchant', 'technician', '2025-01-01', '2025-13-45T99:99', '123456'),
      ),
    },
    { weight: 2, arbitrary: anyText },
    { weight: 1, arbitrary: hugeNumberText },
  );
}

/** A query string: pairs percent-encoded, sometimes a key twice, sometimes raw broken escapes. */
function query(world: FuzzWorld): fc.Arbitrary<string> {
  const pair = fc.tuple(queryKey, queryValue(world)).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: fc.constantFrom(`?tid=${world.tid}`, '?disablePrinting=true', `?tid=${world.tid}&disablePrinting=false`, ...world.knownUtis.map((u) => `?uti=${u}`)) },
    { weight: 5, arbitrary: fc.array(pair, { maxLength: 5 }).map((ps) => (ps.length ? `?${ps.join('&')}` : '')) },
    {
      weight: 1,
      arbitrary: fc.tuple(queryKey, queryValue(world), queryValue(world)).map(([k, a, b]) => `?${encodeURIComponent(k)}=${encodeURIComponent(a)}&${encodeURIComponent(k)}=${encodeURIComponent(b)}`),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('?uti=%', '?uti=%zz', '?uti=%E0%A4%A', '?%=%', '?&&&', '?uti', '?=x', '?uti=a%00b', '?uti=' + 'A'.repeat(3000), '?wait=1e1', '?limit=+5', `?${'a=1&'.repeat(500)}`),
    },
  );
}

function path(): fc.Arbitrary<string> {
  const route = fc.constantFrom(...ROUTES);
  return fc.oneof(
    { weight: 12, arbitrary: route.map((r) => BASE + r) },
    { weight: 1, arbitrary: route.map((r) => `${BASE}${r}/`) },
    { weight: 1, arbitrary: route.map((r) => `${BASE}${r.toUpperCase()}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '/',
        '/payntpos',
        `${BASE}`,
        `${BASE}/`,
        '/payntpos/1.0.1/transaction',
        `${BASE}//transaction`,
        `${BASE}/%2e%2e/%2e%2e/etc/passwd`,
        `${BASE}/transaction%00`,
        `${BASE}/transaction;x=1`,
        `${BASE}/transaction%ZZ`,
        '/screen',
        '/screen/actions',
        '/index.html',
        `${BASE}/pair/../transaction`,
      ),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }).map((s) => `${BASE}/${encodeURIComponent(s)}`) },
  );
}

const headerName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,30}$/);
/** What Node lets through as a header value: visible ASCII, spaces and tabs, and Latin-1. */
const headerValue = fc.oneof(
  fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,60}$/),
  fc.string({ unit: fc.integer({ min: 0xa0, max: 0xff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 20 }),
  fc.constant('x'.repeat(4000)),
);

function headers(): fc.Arbitrary<Record<string, string>> {
  const contentType = fc.oneof(
    fc.constantFrom(
      'application/json',
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'application/json; charset="',
      'application/json;;;',
      'application/problem+json',
      'application/vnd.eposd+json',
      'text/plain',
      'text/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
      'json',
      '*/*',
    ),
    headerValue,
  );
  const odd = fc.dictionary(
    fc.oneof(
      fc.constantFrom(
        'content-encoding',
        'accept',
        'accept-encoding',
        'x-forwarded-for',
        'x-real-ip',
        'last-event-id',
        'if-none-match',
        'range',
        'origin',
        'cookie',
        'expect',
        'transfer-encoding',
        'x-http-method-override',
        'connection',
      ),
      headerName,
    ),
    fc.oneof(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'chunked', '100-continue', '*/*', '127.0.0.1', '1e9', 'keep-alive', 'DELETE'), headerValue),
    { maxKeys: 4 },
  );
  const ctOrNone = fc.oneof({ weight: 5, arbitrary: fc.constant('application/json') }, { weight: 3, arbitrary: contentType }, { weight: 2, arbitrary: fc.constant(undefined) });
  return fc.record({ ct: ctOrNone, odd: fc.oneof({ weight: 2, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: odd }) }).map(({ ct, odd: extra }) => {
    const h: Record<string, string> = {};
    for (const [k, v] of Object.entries(extra)) {
      const name = k.toLowerCase();
      if (['host', 'content-length', 'authorization'].includes(name)) continue;
      // chunked needs a body the client will chunk, and keep-alive is the agent's to decide
      if (name === 'transfer-encoding' || name === 'connection' || name === 'expect') continue;
      h[name] = v;
    }
    if (ct !== undefined) h['content-type'] = ct;
    return h;
  });
}

export function fuzzRequest(world: FuzzWorld, auth: fc.Arbitrary<FuzzAuth>): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      target: fc.oneof(
        { weight: 7, arbitrary: fc.constantFrom(...ENDPOINTS).map(([route, method]) => ({ method, path: BASE + route })) },
        {
          weight: 3,
          arbitrary: fc.record({
            method: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('GET', 'POST', 'DELETE') }, { weight: 1, arbitrary: fc.constantFrom('PUT', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE') }),
            path: path(),
          }),
        },
      ),
      query: query(world),
      headers: headers(),
      body: body(world),
      auth,
    })
    .map(({ target, query: q, headers: h, body: b, auth: a }) => ({ method: target.method, path: target.path + q, headers: h, body: target.method === 'TRACE' ? undefined : b, auth: a }));
}

const kind = (k: 'none' | 'revoked' | 'pos' | 'technician' | 'pos-bearer' | 'pos-tampered'): FuzzAuth => ({ kind: k });
const garbageToken = fc.oneof(
  fc.constantFrom('Bearer', 'Bearer ', 'bearer  x', 'Basic dXNlcjpwYXNz', 'Token abc', '.', 'a.b', 'null'),
  fc.tuple(fc.stringMatching(/^[\w-]{16}$/), fc.stringMatching(/^[\w-]{43}$/)).map(([a, b]) => `${a}.${b}`),
  headerValue,
);

/** Requests from someone who is not paired: nothing they send may be accepted or change anything. */
export const anonymousAuth: fc.Arbitrary<FuzzAuth> = fc.oneof(
  fc.constantFrom(kind('none'), kind('revoked'), kind('pos-tampered')),
  garbageToken.map((value): FuzzAuth => ({ kind: 'garbage', value })),
);
/** Requests from a paired POS or technician: they get past authentication to validation and the rules. */
export const pairedAuth: fc.Arbitrary<FuzzAuth> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(kind('pos')) },
  { weight: 2, arbitrary: fc.constant(kind('technician')) },
  { weight: 1, arbitrary: fc.constant(kind('pos-bearer')) },
);
