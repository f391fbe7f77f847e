import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import { useApi } from '../../helpers/api';
import { expectProblem } from '../../helpers/problem';

describe('routing', () => {
  const t = useApi({ unchangedDatabase: true });

  it.each([`${BASE_PATH}/nope`, '/', '/payntpos/2.0.0/pair', `${BASE_PATH}/pair/extra`])('answers 404 ROUTE_NOT_FOUND for GET %s', async (path) => {
    expectProblem(await request(t.app).get(path), 404, 'ROUTE_NOT_FOUND');
  });

  it('answers 404 ROUTE_NOT_FOUND for a POST to an unknown route', async () => {
    expectProblem(await request(t.app).post(`${BASE_PATH}/nope`).send({ a: 1 }), 404, 'ROUTE_NOT_FOUND');
  });

  it.each([
    ['PUT', `${BASE_PATH}/pair`, 'GET, POST, DELETE'],
    ['PATCH', `${BASE_PATH}/pair`, 'GET, POST, DELETE'],
    ['POST', `${BASE_PATH}/health`, 'GET'],
    ['DELETE', `${BASE_PATH}/health`, 'GET'],
  ])('answers 405 METHOD_NOT_ALLOWED with an Allow header for %s %s', async (method, path, allow) => {
    const res = await request(t.app)[method.toLowerCase() as 'put' | 'patch' | 'post' | 'delete'](path).send({});
    expectProblem(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers.allow).toBe(allow);
  });
});
