import request from 'supertest';
import { ids } from '../../../src/shared/ids';
import { useApi } from '../../helpers/api';
import { bodyOf, type ScreenState } from '../../helpers/bodies';
import { TEST_ADDRESS, TEST_FINGERPRINT, TEST_TID } from '../../helpers/context';
import { dbSnapshot } from '../../helpers/db';
import { expectProblem } from '../../helpers/problem';
import { stringMatching } from '../../helpers/matchers';

describe('the screen channel', () => {
  const t = useApi();

  describe('GET /screen', () => {
    it('shows the idle screen with the identity, addresses and fingerprint when no window is open', async () => {
      const res = await request(t.screen).get('/screen');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ screen: 'idle', tid: TEST_TID, fingerprint: TEST_FINGERPRINT, addresses: [TEST_ADDRESS], ready: true });
      expect(res.body).not.toHaveProperty('pairingCode');
    });

    it('shows the code and its expiry while a window is open', async () => {
      t.ctx.start();
      const { code, expiresAt } = t.ctx.pairing.currentWindow()!;
      const res = await request(t.screen).get('/screen');
      expect(res.body).toMatchObject({ screen: 'pairing', pairingCode: code, pairingExpiresAt: expiresAt.toISOString(), fingerprint: TEST_FINGERPRINT });
    });
  });

  describe('POST /screen/actions', () => {
    it('opens a pairing window on openPairing, answers the new state and writes a [screen] line', async () => {
      const res = await request(t.screen).post('/screen/actions').send({ action: 'openPairing' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ screen: 'pairing', pairingCode: stringMatching(/^\d{6}$/) });
      expect(t.screenLines).toEqual([`[screen] pairing: code ${bodyOf<ScreenState>(res).pairingCode} valid until 2025-04-28T09:37:25.000Z, fingerprint ${TEST_FINGERPRINT}`]);
    });

    it('replaces an open code on openPairing', async () => {
      const codes = ['111111', '222222'];
      await t.rebuild({ ids: { ...ids, pairingCode: () => codes.shift()! } });
      t.ctx.pairing.openWindow();
      const res = await request(t.screen).post('/screen/actions').send({ action: 'openPairing' });
      expect(bodyOf<ScreenState>(res).pairingCode).toBe('222222');
      expect(t.screenLines.map((l) => l.slice(0, 31))).toEqual(['[screen] pairing: code 111111 v', '[screen] pairing: code 222222 v']);
      expect(() => t.ctx.pairing.pair({ pairingCode: '111111' })).toThrow('PAIRING_FAILED');
    });

    it('revokes every register on unpairAll', async () => {
      const a = t.ctx.pairing.pair({ pairingCode: t.ctx.pairing.openWindow().code, registerId: 'till-1' }).authToken;
      const b = t.ctx.pairing.pair({ pairingCode: t.ctx.pairing.openWindow().code, registerId: 'till-2' }).authToken;
      await request(t.screen).post('/screen/actions').send({ action: 'unpairAll' }).expect(200);
      expect(t.ctx.pairing.authenticate(a)).toBeUndefined();
      expect(t.ctx.pairing.authenticate(b)).toBeUndefined();
      expect(t.ctx.registers.countActivePos()).toBe(0);
    });

    it('does not open a pairing window on unpairAll: the installer opens one when a POS is to be paired', async () => {
      const res = await request(t.screen).post('/screen/actions').send({ action: 'unpairAll' }).expect(200);
      expect((res.body as { pairingCode?: string }).pairingCode).toBeUndefined();
      expect(t.ctx.pairing.currentWindow()).toBeUndefined();
    });

    it('answers a wrong card with the names of the test cards, and nothing about the other actions', async () => {
      const body = expectProblem(await request(t.screen).post('/screen/actions').send({ action: 'presentCard', card: 'visa' }), 400, 'VALIDATION_FAILED');
      expect(body.errors).toEqual([{ field: 'card', message: 'must be one of the test cards: visa-contactless, mastercard-chip, amex-swipe, visa-declined' }]);
      const unknown = expectProblem(await request(t.screen).post('/screen/actions').send({ action: 'selfDestruct' }), 400, 'VALIDATION_FAILED');
      expect(unknown.errors).toEqual([{ field: 'action', message: 'is not a known action' }]);
    });

    it.each([
      ['an unknown action', { action: 'selfDestruct' }],
      ['no action', {}],
      ['an extra field', { action: 'openPairing', force: true }],
    ])('answers 400 VALIDATION_FAILED for %s and changes nothing', async (_name, body) => {
      const before = dbSnapshot(t.ctx.db);
      expectProblem(await request(t.screen).post('/screen/actions').send(body), 400, 'VALIDATION_FAILED');
      expect(dbSnapshot(t.ctx.db)).toEqual(before);
      expect(t.screenLines).toEqual([]);
    });

    it('answers 415 for a body that is not JSON', async () => {
      expectProblem(await request(t.screen).post('/screen/actions').set('Content-Type', 'text/plain').send('openPairing'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers 405 with an Allow header for GET', async () => {
      const res = await request(t.screen).get('/screen/actions');
      expectProblem(res, 405, 'METHOD_NOT_ALLOWED');
      expect(res.headers.allow).toBe('POST');
    });
  });

  it('answers 404 for an unknown path, says the API is on the HTTPS port, and sends no X-Powered-By', async () => {
    const res = await request(t.screen).get('/payntpos/1.0.0/pair');
    expect(expectProblem(res, 404, 'ROUTE_NOT_FOUND').detail).toMatch(/HTTPS port/);
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});
