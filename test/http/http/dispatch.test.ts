import request from 'supertest';
import pino from 'pino';
import { Type } from '@sinclair/typebox';
import { createDispatch } from '../../../src/http/dispatch';
import { endpoint, type AnyEndpoint } from '../../../src/http/endpoint';
import { frontDoor, type App } from '../../../src/http/serve';
import { recordHeaders } from '../../../src/http/headers';
import { ApiError } from '../../../src/shared/errors';
import { loggerOptions } from '../../../src/shared/logger';
import { useApi } from '../../helpers/api';
import { expectProblem } from '../../helpers/problem';

// The one dispatch, exercised on endpoints of its own: every API endpoint goes through the same code.
describe('the dispatch of declared endpoints', () => {
  const t = useApi();
  let lines: string[];
  let throwing: unknown;
  let app: App;
  beforeEach(() => {
    lines = [];
    const logger = pino(loggerOptions('error'), { write: (l: string) => void lines.push(l) });
    const endpoints: AnyEndpoint[] = [
      endpoint({ method: 'GET', path: '/tech', auth: 'technician', handle: () => ({ body: { ok: true } }) }),
      endpoint({ method: 'GET', path: '/pos', auth: 'pos', handle: () => ({ body: { ok: true } }) }),
      endpoint({
        method: 'GET',
        path: '/boom',
        auth: 'none',
        handle: () => {
          throw throwing;
        },
      }),
      endpoint({ method: 'POST', path: '/echo', auth: 'none', body: Type.Object({ a: Type.Optional(Type.Unknown()) }, { additionalProperties: true }), handle: ({ body }) => ({ body }) }),
    ];
    const dispatch = createDispatch({ pairing: t.ctx.pairing, audit: t.ctx.audit, logger, tid: t.ctx.identity.tid });
    app = frontDoor(endpoints, { basePath: '', headers: recordHeaders([]), dispatch, logger, notFound: 'No such endpoint.' });
  });

  it('When a POS token asks for a technician endpoint, then it answers 403 FORBIDDEN', async () => {
    const token = await t.pairPos();
    const body = expectProblem(await request(app).get('/tech').set('Authorization', token), 403, 'FORBIDDEN');
    expect(body.detail).toBe('This needs a technician token.');
  });

  it('When a technician token asks for a POS endpoint, then it answers 403 FORBIDDEN', async () => {
    const token = await t.pairTechnician();
    const body = expectProblem(await request(app).get('/pos').set('Authorization', token), 403, 'FORBIDDEN');
    expect(body.detail).toBe('A technician token can only read diagnostics.');
  });

  it('When the role is right, with or without the Bearer scheme, then it lets the request through', async () => {
    const tech = await t.pairTechnician();
    const pos = await t.pairPos();
    await request(app).get('/tech').set('Authorization', `Bearer ${tech}`).expect(200, { ok: true });
    await request(app).get('/pos').set('Authorization', pos).expect(200, { ok: true });
  });

  it('When the token is not valid, then it answers 401 (before 403) with WWW-Authenticate', async () => {
    const res = await request(app).get('/tech').set('Authorization', 'nonsense');
    expectProblem(res, 401, 'UNAUTHORIZED');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="eposd"');
  });

  it('When an unexpected error is thrown, then it answers 500 INTERNAL_ERROR that says nothing of why, and logs it', async () => {
    throwing = new Error('SELECT secret FROM /var/lib/eposd failed');
    const res = await request(app).get('/boom');
    const body = expectProblem(res, 500, 'INTERNAL_ERROR');
    expect(res.text).not.toContain('secret');
    expect(body.detail).toBe('The terminal could not complete the request.');
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'request failed', err: { message: 'SELECT secret FROM /var/lib/eposd failed' } });
  });

  it('When the disk is full, then it answers 503 STORAGE_UNAVAILABLE', async () => {
    throwing = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    expectProblem(await request(app).get('/boom'), 503, 'STORAGE_UNAVAILABLE');
  });

  it('When an ApiError carries extra fields, then they are in the body', async () => {
    throwing = new ApiError('TERMINAL_BUSY', 'Busy.', { uti: 'U1' });
    const body = expectProblem(await request(app).get('/boom'), 409, 'TERMINAL_BUSY');
    expect(body).toEqual({ type: 'about:blank', status: 409, code: 'TERMINAL_BUSY', title: 'The terminal is busy with another transaction', detail: 'Busy.', uti: 'U1' });
  });

  it('When a JSON body has the same key twice at any depth, then it answers 400 VALIDATION_FAILED naming the key', async () => {
    const send = (json: string) => request(app).post('/echo').set('Content-Type', 'application/json').send(json);
    await send('{"a":{"b":1,"c":[{"d":1}]}}').expect(200, { a: { b: 1, c: [{ d: 1 }] } });
    // An empty object, then a string in the same array: the string is a value, not a key (found by the fuzz suite).
    await send('{"a":[{},"x",{}],"b":[[],"y"]}').expect(200, { a: [{}, 'x', {}], b: [[], 'y'] });
    expect(expectProblem(await send('{"a":1,"a":2}'), 400, 'VALIDATION_FAILED').errors).toEqual([{ field: 'a', message: 'is sent more than once: send each field once' }]);
    expect(expectProblem(await send('{"a":{"b":1,"c":[{"d":1},{"d":2,"\\u0064":3}]}}'), 400, 'VALIDATION_FAILED').errors![0]!.field).toBe('a.c.1.d');
  });
});
