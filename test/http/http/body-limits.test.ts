import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import { useApi } from '../../helpers/api';
import { expectProblem } from '../../helpers/problem';

const PAIR = `${BASE_PATH}/pair`;

describe('request bodies', () => {
  const t = useApi({ unchangedDatabase: true });
  let code: string;
  beforeEach(() => {
    code = t.ctx.pairing.openWindow().code;
  });

  it('answers 413 PAYLOAD_TOO_LARGE for a JSON body over 16 KiB', async () => {
    const body = JSON.stringify({ pairingCode: code, registerName: 'x'.repeat(16 * 1024) });
    expectProblem(await request(t.app).post(PAIR).set('Content-Type', 'application/json').send(body), 413, 'PAYLOAD_TOO_LARGE');
    expect(t.ctx.pairing.currentWindow()?.code).toBe(code);
  });

  it('accepts a JSON body of exactly 16 KiB as far as size goes (and validates it)', async () => {
    const padding = 16 * 1024 - JSON.stringify({ pairingCode: code, registerName: '' }).length;
    const body = JSON.stringify({ pairingCode: code, registerName: 'x'.repeat(padding) });
    expect(Buffer.byteLength(body)).toBe(16 * 1024);
    const res = await request(t.app).post(PAIR).set('Content-Type', 'application/json').send(body);
    expect(expectProblem(res, 400, 'VALIDATION_FAILED').errors![0]!.field).toBe('registerName');
  });

  it.each([
    ['text/plain', `{"pairingCode":"000000"}`],
    ['application/x-www-form-urlencoded', 'pairingCode=000000'],
  ])('answers 415 UNSUPPORTED_MEDIA_TYPE for a POST of %s', async (type, body) => {
    expectProblem(await request(t.app).post(PAIR).set('Content-Type', type).send(body.replace('000000', code)), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(t.ctx.pairing.currentWindow()?.code).toBe(code);
  });

  it('answers 415 UNSUPPORTED_MEDIA_TYPE for a POST without a body', async () => {
    expectProblem(await request(t.app).post(PAIR), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 415 UNSUPPORTED_MEDIA_TYPE for JSON in a charset other than UTF-8', async () => {
    const res = await request(t.app).post(PAIR).set('Content-Type', 'application/json; charset=latin1').send(`{"pairingCode":"${code}"}`);
    expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 415 for a non-JSON body on a route that takes none', async () => {
    const res = await request(t.app).get(`${BASE_PATH}/health`).set('Content-Type', 'text/plain').send('hello');
    expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('accepts application/json with a charset and a +json type', async () => {
    const res = await request(t.app)
      .post(PAIR)
      .set('Content-Type', 'application/vnd.eposd+json; charset=utf-8')
      .send(JSON.stringify({ pairingCode: '12' }));
    expect(expectProblem(res, 400, 'VALIDATION_FAILED').errors![0]!.field).toBe('pairingCode');
  });
});
