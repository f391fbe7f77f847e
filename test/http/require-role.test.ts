import express from 'express';
import request from 'supertest';
import { createApp } from '../../src/app';
import { requireRole } from '../../src/http/auth';
import { errorHandler } from '../../src/http/error-handler';
import { pairPos, pairTechnician, testContext, type TestContext } from '../helpers/context';
import { expectProblem } from '../helpers/problem';

// No route of the foundation is for one role only yet (DELETE /pair takes both), so the guard is
// exercised on a route of its own.
describe('requireRole', () => {
  let t: TestContext;
  let api: ReturnType<typeof createApp>;
  let guarded: express.Express;
  beforeEach(() => {
    t = testContext();
    api = createApp(t.ctx);
    guarded = express();
    guarded.get('/diagnostics', requireRole(t.ctx.pairing, ['technician']), (_req, res) => void res.json({ ok: true }));
    guarded.get('/transaction', requireRole(t.ctx.pairing, ['pos']), (_req, res) => void res.json({ ok: true }));
    guarded.use(errorHandler(t.ctx.logger));
  });
  afterEach(() => t.ctx.destroy());

  it('answers 403 FORBIDDEN when a POS token asks for a technician route', async () => {
    const token = await pairPos(api, t.ctx);
    const body = expectProblem(await request(guarded).get('/diagnostics').set('Authorization', token), 403, 'FORBIDDEN');
    expect(body.detail).toBe('This needs a technician token.');
  });

  it('answers 403 FORBIDDEN when a technician token asks for a POS route', async () => {
    const token = await pairTechnician(api, t.ctx);
    const body = expectProblem(await request(guarded).get('/transaction').set('Authorization', token), 403, 'FORBIDDEN');
    expect(body.detail).toBe('A technician token can only read diagnostics.');
  });

  it('lets the right role through', async () => {
    const tech = await pairTechnician(api, t.ctx);
    const pos = await pairPos(api, t.ctx);
    await request(guarded).get('/diagnostics').set('Authorization', `Bearer ${tech}`).expect(200, { ok: true });
    await request(guarded).get('/transaction').set('Authorization', pos).expect(200, { ok: true });
  });

  it('answers 401 before 403 when the token is not valid', async () => {
    expectProblem(await request(guarded).get('/diagnostics').set('Authorization', 'nonsense'), 401, 'UNAUTHORIZED');
  });
});
