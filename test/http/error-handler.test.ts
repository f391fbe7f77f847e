import express from 'express';
import request from 'supertest';
import pino from 'pino';
import { errorHandler } from '../../src/http/error-handler';
import { ApiError } from '../../src/http/errors';
import { loggerOptions } from '../../src/shared/logger';
import { expectProblem } from '../helpers/problem';

function appThrowing(err: unknown) {
  const lines: string[] = [];
  const logger = pino(loggerOptions('error'), { write: (l: string) => void lines.push(l) });
  const app = express();
  app.get('/boom', () => {
    throw err;
  });
  app.use(errorHandler(logger));
  return { app, lines };
}

describe('the error handler', () => {
  it('When an unexpected error is thrown, then it answers 500 INTERNAL_ERROR that says nothing of why, and logs it', async () => {
    const { app, lines } = appThrowing(new Error('SELECT secret FROM /var/lib/eposd failed'));
    const res = await request(app).get('/boom');
    const body = expectProblem(res, 500, 'INTERNAL_ERROR');
    expect(res.text).not.toContain('secret');
    expect(body.detail).toBe('The terminal could not complete the request.');
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'request failed', method: 'GET', path: '/boom', err: { message: 'SELECT secret FROM /var/lib/eposd failed' } });
  });

  it('When the disk is full, then it answers 503 STORAGE_UNAVAILABLE', async () => {
    const { app } = appThrowing(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }));
    expectProblem(await request(app).get('/boom'), 503, 'STORAGE_UNAVAILABLE');
  });

  it('When an ApiError carries extra fields, then they are in the body', async () => {
    const { app } = appThrowing(new ApiError('TERMINAL_BUSY', 'Busy.', { uti: 'U1' }));
    const body = expectProblem(await request(app).get('/boom'), 409, 'TERMINAL_BUSY');
    expect(body).toEqual({ type: 'about:blank', status: 409, code: 'TERMINAL_BUSY', title: 'The terminal is busy with another transaction', detail: 'Busy.', uti: 'U1' });
  });
});
