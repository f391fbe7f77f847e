import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import type { RelayAnswer, RelayRequest } from '../../../src/relay/protocol';
import { apiRelay } from '../../../src/relay/start';
import { useApi } from '../../helpers/api';

const header = (a: RelayAnswer, name: string) => {
  const i = a.h.findIndex((h, n) => n % 2 === 0 && h.toLowerCase() === name);
  return i < 0 ? undefined : a.h[i + 1];
};

/** Relayed requests to `t`'s terminal's API behind the relay's trust, through one handler a test (as the terminal has one: its rate limits are its own). */
function relayTo(t: ReturnType<typeof useApi>) {
  let handler: ReturnType<typeof apiRelay>['handle'] | undefined;
  beforeEach(() => (handler = undefined));
  return (r: Partial<RelayRequest> & { u: string }, origin = 'relay:192.0.2.44') => (handler ??= apiRelay(t.ctx).handle)({ m: 'GET', h: {}, ...r }, origin).answer;
}

describe('A request that comes through the relay', () => {
  const t = useApi({ paired: true, unchangedDatabase: true });
  const relay = relayTo(t);

  it('is answered by the same endpoint code as HTTPS: same status, body bytes and headers', async () => {
    const path = `${BASE_PATH}/transaction?uti=${'0'.repeat(32)}`;
    const direct = await request(t.app).get(path).set('Authorization', t.token);
    const relayed = await relay({ u: path, h: { authorization: t.token } });
    expect(relayed.s).toBe(404);
    expect(relayed.b).toBe(direct.text);
    for (const name of ['content-type', 'content-length', 'cache-control', 'strict-transport-security', 'content-security-policy']) expect(header(relayed, name)).toBe(direct.headers[name]);
  });

  it('answers 401 without the POS token: the relay adds no authority of its own', async () => {
    const relayed = await relay({ u: `${BASE_PATH}/transactions` });
    expect(relayed.s).toBe(401);
    expect(JSON.parse(relayed.b)).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('refuses a body over 16 KiB with 413 and a body with a key sent twice with 400, as HTTPS does', async () => {
    const h = { authorization: t.token, 'content-type': 'application/json' };
    const large = await relay({ m: 'POST', u: `${BASE_PATH}/transaction`, h, b: JSON.stringify({ transType: 'SALE', amountTrans: 100, reference: 'x'.repeat(17_000) }) });
    expect(large.s).toBe(413);
    const twice = await relay({ m: 'POST', u: `${BASE_PATH}/transaction`, h, b: '{"transType":"SALE","amountTrans":1250,"amountTrans":5}' });
    expect(twice.s).toBe(400);
    expect(JSON.parse(twice.b)).toMatchObject({ code: 'VALIDATION_FAILED' });
    const notJson = await relay({ m: 'POST', u: `${BASE_PATH}/transaction`, h: { authorization: t.token, 'content-type': 'text/plain' }, b: 'SALE 12.50' });
    expect(notJson.s).toBe(415);
  });

  it('answers 404 ROUTE_NOT_FOUND for a path outside the API and 405 with Allow for a wrong method', async () => {
    expect(JSON.parse((await relay({ u: '/admin' })).b)).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
    const wrong = await relay({ m: 'PUT', u: `${BASE_PATH}/transaction` });
    expect(wrong.s).toBe(405);
    expect(header(wrong, 'allow')).toBe((await request(t.app).put(`${BASE_PATH}/transaction`)).headers.allow);
  });

  it('never reaches the screen: a relayed request is not a loopback one, whatever Host it names', async () => {
    const relayed = await relay({ u: '/screen', h: { host: 'localhost' } });
    expect(relayed.s).toBe(404);
  });
});

describe('The pairing rate limit through the relay (EPOSD_PAIR_RATE_LIMIT=3)', () => {
  const t = useApi({ env: { EPOSD_PAIR_RATE_LIMIT: '3' } });
  const relay = relayTo(t);

  it("applies the pairing rate limit per POS address, the gateway's word for it", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await relay({ u: `${BASE_PATH}/pair?pairingCode=000000` }, 'relay:198.51.100.7')).s);
    expect(statuses.slice(0, 3).every((s) => s === 401)).toBe(true);
    expect(statuses[3]).toBe(429);
    expect((await relay({ u: `${BASE_PATH}/pair?pairingCode=000000` }, 'relay:198.51.100.8')).s).toBe(401);
  });
});
