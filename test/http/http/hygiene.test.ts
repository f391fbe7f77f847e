import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import { VERSION } from '../../../src/shared/version';
import { useApi } from '../../helpers/api';
import { TEST_TID } from '../../helpers/context';

describe('response hygiene', () => {
  const t = useApi();

  it.each([`${BASE_PATH}/health`, `${BASE_PATH}/nope`, `${BASE_PATH}/pair`])('sends helmet headers and no X-Powered-By on %s', async (path) => {
    const res = await request(t.app).get(path);
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.etag).toBeUndefined();
  });
});

describe('GET /payntpos/1.0.0/health', () => {
  const t = useApi();

  it('answers without a token: up, the version and the TID, and nothing else', async () => {
    const res = await request(t.app).get(`${BASE_PATH}/health`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'UP', version: VERSION, tid: TEST_TID });
  });

  it('ignores an invalid token rather than refuse', async () => {
    await request(t.app).get(`${BASE_PATH}/health`).set('Authorization', 'nonsense').expect(200);
  });
});
