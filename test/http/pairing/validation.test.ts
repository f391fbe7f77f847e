import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import { useApi } from '../../helpers/api';
import { expectProblem } from '../../helpers/problem';
import { stringContaining } from '../../helpers/matchers';

const PAIR = `${BASE_PATH}/pair`;

describe('GET and POST /payntpos/1.0.0/pair with input that is not valid', () => {
  const t = useApi({ unchangedDatabase: true });
  let code: string;
  beforeEach(() => {
    code = t.ctx.pairing.openWindow().code;
  });

  it('answers 400 VALIDATION_FAILED naming pairingCode when it is missing', async () => {
    const body = expectProblem(await request(t.app).get(PAIR), 400, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([{ field: 'pairingCode', message: 'is required' }]);
  });

  it.each(['12345', '1234567', 'abcdef', '12 456', ''])('answers 400 naming pairingCode when it is "%s"', async (bad) => {
    const body = expectProblem(await request(t.app).get(PAIR).query({ pairingCode: bad }), 400, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([{ field: 'pairingCode', message: 'must be the 6 digits shown on the terminal' }]);
  });

  it('answers 400 with every bad field listed at once', async () => {
    const res = await request(t.app).get(PAIR).query({ pairingCode: '1', registerId: 'has space', role: 'admin' });
    const fields = expectProblem(res, 400, 'VALIDATION_FAILED').errors!.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['pairingCode', 'registerId', 'role']));
  });

  it('answers 400 naming an unknown query field', async () => {
    const body = expectProblem(await request(t.app).get(PAIR).query({ pairingCode: code, callback: 'x' }), 400, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([{ field: 'callback', message: 'is not a known field' }]);
  });

  it('answers 400 naming an unknown body field', async () => {
    const body = expectProblem(await request(t.app).post(PAIR).send({ pairingCode: code, amount: 1 }), 400, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([{ field: 'amount', message: 'is not a known field' }]);
  });

  it('answers 400 when a query field is repeated', async () => {
    const res = await request(t.app).get(`${PAIR}?pairingCode=${code}&pairingCode=${code}`);
    expect(expectProblem(res, 400, 'VALIDATION_FAILED').errors![0]!.field).toBe('pairingCode');
  });

  it('answers 400 when the code is a JSON number rather than a string', async () => {
    const res = await request(t.app)
      .post(PAIR)
      .send({ pairingCode: Number(code) });
    expect(expectProblem(res, 400, 'VALIDATION_FAILED').errors![0]!.field).toBe('pairingCode');
  });

  it('answers 400 when the JSON body is not an object', async () => {
    expectProblem(await request(t.app).post(PAIR).set('Content-Type', 'application/json').send('["a"]'), 400, 'VALIDATION_FAILED');
  });

  it('answers 400 MALFORMED_JSON when the body does not parse', async () => {
    expectProblem(await request(t.app).post(PAIR).set('Content-Type', 'application/json').send('{"pairingCode":'), 400, 'MALFORMED_JSON');
  });

  it('answers 400 when registerName has a control character', async () => {
    const res = await request(t.app).post(PAIR).send({ pairingCode: code, registerName: 'till\n1' });
    expect(expectProblem(res, 400, 'VALIDATION_FAILED').errors![0]!.field).toBe('registerName');
  });

  it('leaves the window open after a rejected request', async () => {
    expectProblem(
      await request(t.app)
        .post(PAIR)
        .send({ pairingCode: code, registerId: 'x'.repeat(65) }),
      400,
      'VALIDATION_FAILED',
    );
    expect(t.ctx.pairing.currentWindow()?.code).toBe(code);
  });
  // The test context's API port is 8443 and its screen port 8080 (their defaults); its address 192.0.2.10.
  it.each([
    ['http://127.0.0.1:8080/screen/actions', 'own ports'],
    ['http://localhost:8443/hook', 'own ports'],
    ['https://192.0.2.10:8443/payntpos/1.0.0/pair', 'own ports'],
    ['http://[::1]:8080/', 'own ports'],
    ['https://user:secret@pos.example/hook', 'user name or password'],
  ])('answers 400 naming callbackUrl for %s, and pairs nobody', async (callbackUrl, why) => {
    const body = expectProblem(await request(t.app).post(PAIR).send({ pairingCode: code, callbackUrl }), 400, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([{ field: 'callbackUrl', message: stringContaining(why) }]);
  });

  it('answers 400 naming the key when a field is sent twice, and pairs nobody: "role":"pos","role":"technician" gives no technician token', async () => {
    const res = await request(t.app).post(PAIR).set('Content-Type', 'application/json').send(`{"pairingCode":"${code}","role":"pos","role":"technician"}`);
    expect(expectProblem(res, 400, 'VALIDATION_FAILED').errors).toEqual([{ field: 'role', message: 'is sent more than once: send each field once' }]);
  });
});
