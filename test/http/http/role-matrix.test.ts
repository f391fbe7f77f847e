import request from 'supertest';
import { BASE_PATH, api } from '../../../src/app';
import { TECHNICIAN_TOKEN_TTL_MS } from '../../../src/pairing/pairing.service';
import { useApi, type Api } from '../../helpers/api';
import { INSTANT_SIMULATOR_ENV, payAndWait } from '../../helpers/payments';
import { expectProblem } from '../../helpers/problem';
import { listenOnLoopback } from '../../helpers/server';
import { openSse } from '../../helpers/sse';
import { anything } from '../../helpers/matchers';

// Every route × method of the API, called by every kind of caller. Authentication and the role
// check come before input validation, so the wrong caller is turned away whatever it sends; the
// right caller sends a valid request and gets the route's success status.

const CALLERS = ['no token', 'a POS token', 'a technician token', 'a revoked POS token (re-paired)', 'an unpaired POS token', 'an unpaired technician token', 'an expired technician token'] as const;
type Caller = (typeof CALLERS)[number];
type Expected = Record<Caller, number>;

const NOT_PAIRED = { 'no token': 401, 'a revoked POS token (re-paired)': 401, 'an unpaired POS token': 401, 'an unpaired technician token': 401, 'an expired technician token': 401 } as const;
const posOnly = (ok: number): Expected => ({ ...NOT_PAIRED, 'a POS token': ok, 'a technician token': 403 });
const technicianOnly = (ok: number): Expected => ({ ...NOT_PAIRED, 'a POS token': 403, 'a technician token': ok });
const anyPaired = (ok: number): Expected => ({ ...NOT_PAIRED, 'a POS token': ok, 'a technician token': ok });
const everyone = (ok: number): Expected => Object.fromEntries(CALLERS.map((c) => [c, ok])) as Expected;

interface Fixture {
  t: Api;
  tokens: Record<Caller, string | undefined>;
  /** An approved SALE of till-1. */
  done: string;
  /** A SALE of till-1 that waits for a card (the amount ends in 98: no card comes). */
  waiting?: string;
  /** A prompt of till-1, open on the screen. */
  prompt?: string;
}

interface Row {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** A valid request for the right caller. */
  query?: (f: Fixture) => Record<string, string>;
  body?: Record<string, unknown>;
  /** The route needs a payment waiting for a card (the terminal is busy meanwhile). */
  needsWaiting?: boolean;
  /** The route needs a prompt of till-1 open on the screen. */
  needsPrompt?: boolean;
  expected: Expected;
}

const ROUTES: Row[] = [
  { method: 'GET', path: '/health', expected: everyone(200) },
  { method: 'GET', path: '/openapi.json', expected: everyone(200) },
  { method: 'GET', path: '/pair', query: (f) => ({ pairingCode: f.t.ctx.pairing.openWindow().code, registerId: 'till-9' }), expected: everyone(200) },
  { method: 'POST', path: '/pair', body: { registerId: 'till-9' }, expected: everyone(200) },
  { method: 'DELETE', path: '/pair', expected: anyPaired(204) },
  { method: 'GET', path: '/transaction', query: (f) => ({ uti: f.done }), expected: posOnly(200) },
  { method: 'POST', path: '/transaction', query: () => ({ disablePrinting: 'true' }), body: { transType: 'SALE', amountTrans: 1000 }, expected: posOnly(200) },
  { method: 'DELETE', path: '/transaction', query: (f) => ({ uti: f.waiting! }), needsWaiting: true, expected: posOnly(200) },
  { method: 'GET', path: '/transactions', expected: posOnly(200) },
  { method: 'POST', path: '/print', query: (f) => ({ uti: f.done, copy: 'merchant' }), expected: posOnly(200) },
  { method: 'GET', path: '/events', expected: posOnly(200) },
  { method: 'GET', path: '/settlement', expected: posOnly(200) },
  { method: 'POST', path: '/settlement', expected: posOnly(200) },
  { method: 'PUT', path: '/display', body: { message: 'Welcome' }, expected: posOnly(200) },
  { method: 'DELETE', path: '/display', expected: posOnly(204) },
  { method: 'POST', path: '/prompt', body: { type: 'confirm', title: 'Add a bag?' }, expected: posOnly(200) },
  { method: 'GET', path: '/prompt', query: (f) => ({ promptId: f.prompt! }), needsPrompt: true, expected: posOnly(202) },
  { method: 'DELETE', path: '/prompt', query: (f) => ({ promptId: f.prompt! }), needsPrompt: true, expected: posOnly(200) },
  { method: 'GET', path: '/diagnostics', expected: technicianOnly(200) },
  { method: 'POST', path: '/diagnostics/self-test', expected: technicianOnly(200) },
];

/** Every kind of caller, an approved SALE and, when asked, a SALE waiting for a card, on the test's context. */
async function fixture(t: Api, needsWaiting: boolean, needsPrompt = false): Promise<Fixture> {
  const expired = await t.pairTechnician('tech-old');
  t.clock.advance(TECHNICIAN_TOKEN_TTL_MS + 1);
  const repaired = await t.pairPos('till-2');
  await t.pairPos('till-2');
  const unpairedPos = await t.pairPos('till-3');
  const unpairedTech = await t.pairTechnician('tech-3');
  t.ctx.pairing.unpair('till-3');
  t.ctx.pairing.unpair('tech-3');
  const pos = await t.pairPos('till-1');
  const tokens: Record<Caller, string | undefined> = {
    'no token': undefined,
    'a POS token': pos,
    'a technician token': await t.pairTechnician('tech-1'),
    'a revoked POS token (re-paired)': repaired,
    'an unpaired POS token': unpairedPos,
    'an unpaired technician token': unpairedTech,
    'an expired technician token': expired,
  };
  const { uti: done } = await payAndWait(t.app, t.ctx, pos, { transType: 'SALE', amountTrans: 1000 });
  const waiting = needsWaiting ? t.ctx.transactions.start({ transType: 'SALE', amountTrans: 1098 }, 'till-1', true).uti : undefined;
  const prompt = needsPrompt ? t.ctx.prompts.open({ type: 'confirm', title: 'Add a bag?' }, 'till-1').promptId : undefined;
  return { t, tokens, done, waiting, prompt };
}

/** Opens the event stream, reads the status and disconnects at once. */
async function eventsStatus(f: Fixture, token: string | undefined): Promise<{ status: number }> {
  const server = await listenOnLoopback(f.t.app);
  try {
    const stream = await openSse(`${server.url}${BASE_PATH}/events`, token ? { authorization: token } : {});
    stream.close();
    return { status: stream.status };
  } finally {
    await server.close();
  }
}

describe('the role matrix: every route × method × caller', () => {
  const t = useApi({ env: INSTANT_SIMULATOR_ENV });

  const cases = ROUTES.flatMap((row) => CALLERS.map((caller) => [row.method, row.path, caller, row.expected[caller], row] as const));

  it.each(cases)('%s %s with %s answers %i', async (method, path, caller, status, row) => {
    const f = await fixture(t, row.needsWaiting === true, row.needsPrompt === true);
    const token = f.tokens[caller];
    if (path === '/events') {
      expect((await eventsStatus(f, token)).status).toBe(status);
      return;
    }
    let req = request(t.app)[method === 'GET' ? 'get' : method === 'POST' ? 'post' : method === 'PUT' ? 'put' : 'delete'](`${BASE_PATH}${path}`);
    if (row.query) req = req.query(row.query(f));
    if (token) req = req.set('Authorization', token);
    const body = method === 'POST' && path === '/pair' ? { ...row.body, pairingCode: f.t.ctx.pairing.openWindow().code } : row.body;
    const res = await (body ? req.send(body) : req);
    if (status === 401) expectProblem(res, 401, 'UNAUTHORIZED');
    else if (status === 403) expectProblem(res, 403, 'FORBIDDEN');
    else expect({ status: res.status, body: res.body as unknown }).toEqual({ status, body: anything() });
  });

  it('covers every endpoint the API declares', () => {
    const declared = api(t.ctx).endpoints.map((e) => `${e.method} ${e.path}`);
    expect(declared.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });
});
