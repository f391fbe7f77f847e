import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import type { RelayAnswer, RelayRequest } from '../../../src/relay/protocol';
import { apiRelay } from '../../../src/relay/start';
import { useApi } from '../../helpers/api';

const header = (a: RelayAnswer, name: string) => {
  const i = a.headers.findIndex((h, n) => n % 2 === 0 && h.toLowerCase() === name);
  return i < 0 ? undefined : a.headers[i + 1];
};

/** Relayed requests to `t`'s terminal's API behind the relay's trust, through one handler a test (as the terminal has one: its rate limits are its own). */
function relayTo(t: ReturnType<typeof useApi>) {
  let handler: ReturnType<typeof apiRelay>['handle'] | undefined;
  beforeEach(() => (handler = undefined));
  return (r: Partial<RelayRequest> & { url: string }, origin = 'relay:192.0.2.44') => (handler ??= apiRelay(t.ctx).handle)({ method: 'GET', headers: {}, ...r }, origin).answer;
}

describe('A request that comes through the relay', () => {
  const t = useApi({ paired: true, unchangedDatabase: true });
  const relay = relayTo(t);

  it('is answered by the same endpoint code as HTTPS: same status, body bytes and headers', async () => {
    const path = `${BASE_PATH}/transaction?uti=${'0'.repeat(32)}`;
    const direct = await request(t.app).get(path).set('Authorization', t.token);
    const relayed = await relay({ url: path, headers: { authorization: t.token } });
    expect(relayed.status).toBe(404);
    expect(relayed.body).toBe(direct.text);
    for (const name of ['content-type', 'content-length', 'cache-control', 'strict-transport-security', 'content-security-policy']) expect(header(relayed, name)).toBe(direct.headers[name]);
  });

  it('answers 401 without the POS token: the relay adds no authority of its own', async () => {
    const relayed = await relay({ url: `${BASE_PATH}/transactions` });
    expect(relayed.status).toBe(401);
    expect(JSON.parse(relayed.body)).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('refuses a body over 16 KiB with 413 and a body with a key sent twice with 400, as HTTPS does', async () => {
    const h = { authorization: t.token, 'content-type': 'application/json' };
    const large = await relay({ method: 'POST', url: `${BASE_PATH}/transaction`, headers: h, body: JSON.stringify({ transType: 'SALE', amountTrans: 100, reference: 'x'.repeat(17_000) }) });
    expect(large.status).toBe(413);
    const twice = await relay({ method: 'POST', url: `${BASE_PATH}/transaction`, headers: h, body: '{"transType":"SALE","amountTrans":1250,"amountTrans":5}' });
    expect(twice.status).toBe(400);
    expect(JSON.parse(twice.body)).toMatchObject({ code: 'VALIDATION_FAILED' });
    const notJson = await relay({ method: 'POST', url: `${BASE_PATH}/transaction`, headers: { authorization: t.token, 'content-type': 'text/plain' }, body: 'SALE 12.50' });
    expect(notJson.status).toBe(415);
  });

  it('answers 404 ROUTE_NOT_FOUND for a path outside the API and 405 with Allow for a wrong method', async () => {
    expect(JSON.parse((await relay({ url: '/admin' })).body)).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
    const wrong = await relay({ method: 'PUT', url: `${BASE_PATH}/transaction` });
    expect(wrong.status).toBe(405);
    expect(header(wrong, 'allow')).toBe((await request(t.app).put(`${BASE_PATH}/transaction`)).headers.allow);
  });

  it('never reaches the screen: a relayed request is not a loopback one, whatever Host it names', async () => {
    const relayed = await relay({ url: '/screen', headers: { host: 'localhost' } });
    expect(relayed.status).toBe(404);
  });
});

describe('The pairing rate limit through the relay (EPOSD_PAIR_RATE_LIMIT=3)', () => {
  const t = useApi({ env: { EPOSD_PAIR_RATE_LIMIT: '3' } });
  const relay = relayTo(t);

  it("applies the pairing rate limit per POS address, the gateway's word for it", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await relay({ url: `${BASE_PATH}/pair?pairingCode=000000` }, 'relay:198.51.100.7')).status);
    expect(statuses.slice(0, 3).every((s) => s === 401)).toBe(true);
    expect(statuses[3]).toBe(429);
    expect((await relay({ url: `${BASE_PATH}/pair?pairingCode=000000` }, 'relay:198.51.100.8')).status).toBe(401);
  });
});
