import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import { useApi, type Api } from '../../helpers/api';
import { TEST_ADDRESS } from '../../helpers/context';
import { dbSnapshot } from '../../helpers/db';
import { INSTANT_SIMULATOR_ENV, payAndWait } from '../../helpers/payments';
import { expectProblem } from '../../helpers/problem';
import { WebhookReceiver } from '../../helpers/webhook-receiver';

// Where a webhook may go (docs/api.md, "Webhooks"): never to a loopback, link-local, unspecified or
// multicast address, nor to eposd's own ports, in any spelling, checked at pairing and again at each
// delivery on the address it connects to. Private LAN addresses are where POS systems live: allowed.
// No test asks real DNS: the names below resolve through the resolver the test gives.

const PAIR = `${BASE_PATH}/pair`;
/** Names and what they resolve to; a name missing here does not resolve. */
const names: Record<string, string[]> = {};
let lookups = 0;
const resolve = (hostname: string): Promise<string[]> => {
  lookups += 1;
  return names[hostname] ? Promise.resolve(names[hostname]) : Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
};

const pairWith = (t: Api, callbackUrl: string, registerId = 'till-9') => request(t.app).post(PAIR).send({ pairingCode: t.ctx.pairing.openWindow().code, registerId, callbackUrl });

describe('webhook targets', () => {
  describe('at pairing, on a terminal (EPOSD_WEBHOOK_LOOPBACK off, the default)', () => {
    const t = useApi({ env: INSTANT_SIMULATOR_ENV, resolve, perFile: true });
    beforeAll(() => {
      Object.assign(names, {
        'metadata.test': ['169.254.169.254'],
        'sneaky.test': ['192.168.1.20', '127.0.0.1'],
        'mapped.test': ['::ffff:127.0.0.1'],
        'multicast.test': ['239.255.255.250'],
        'terminal.test': [TEST_ADDRESS],
        'pos.test': ['192.168.1.50'],
        'pos6.test': ['fd00::50'],
      });
    });

    it.each([
      ['http://127.0.0.1:9000/hook', 'loopback'],
      ['http://127.1:9000/hook', 'loopback'],
      ['http://2130706433:9000/hook', 'loopback'],
      ['http://0x7f000001:9000/hook', 'loopback'],
      ['http://017700000001:9000/hook', 'loopback'],
      ['http://[::1]:9000/hook', 'loopback'],
      ['http://[::ffff:127.0.0.1]:9000/hook', 'loopback'],
      ['http://[0:0:0:0:0:ffff:7f00:1]:9000/hook', 'loopback'],
      ['http://localhost:9000/hook', 'loopback'],
      ['http://LOCALHOST.:9000/hook', 'loopback'],
      ['http://pos.localhost:9000/hook', 'loopback'],
      ['http://169.254.169.254/latest/meta-data/', 'link-local'],
      ['http://[::ffff:169.254.169.254]/', 'link-local'],
      ['http://[fe80::1]:9000/', 'link-local'],
      ['http://0.0.0.0:9000/', 'unspecified'],
      ['http://0:9000/', 'unspecified'],
      ['http://[::]:9000/', 'unspecified'],
      ['http://224.0.0.1/', 'multicast'],
      ['http://255.255.255.255/', 'multicast'],
      ['http://[ff02::1]/', 'multicast'],
      ['http://metadata.test/computeMetadata', 'link-local'],
      ['http://sneaky.test:9000/hook', 'loopback'],
      ['http://mapped.test:9000/hook', 'loopback'],
      ['http://multicast.test/', 'multicast'],
      [`http://${TEST_ADDRESS}:8443/hook`, 'own ports'],
      ['https://terminal.test:8080/screen/actions', 'own ports'],
      ['http://nowhere.test/hook', 'could not be resolved'],
    ])('refuses %s with 400 naming callbackUrl (%s), pairs nobody and keeps the code', async (callbackUrl, why) => {
      const before = dbSnapshot(t.ctx.db);
      const { code } = t.ctx.pairing.openWindow();
      const res = await request(t.app).post(PAIR).send({ pairingCode: code, registerId: 'till-9', callbackUrl });
      expect(expectProblem(res, 400, 'VALIDATION_FAILED').errors).toEqual([{ field: 'callbackUrl', message: expect.stringContaining(why) as string }]);
      expect(dbSnapshot(t.ctx.db)).toEqual(before);
      expect(t.ctx.pairing.currentWindow()?.code).toBe(code);
    });

    it('looks no name up for a wrong code: nobody without the code makes the terminal ask DNS', async () => {
      const { code } = t.ctx.pairing.openWindow();
      const before = lookups;
      const wrong = code === '000000' ? '000001' : '000000';
      expectProblem(await request(t.app).post(PAIR).send({ pairingCode: wrong, callbackUrl: 'http://pos.test/hook' }), 401, 'PAIRING_FAILED');
      expect(lookups).toBe(before);
    });

    it.each([
      'http://192.168.1.50:8080/hook',
      'https://10.0.0.5/eposd',
      'http://172.16.4.2:3000/',
      'http://[fd00::5]:8080/',
      'http://pos.test:8080/hook',
      'http://pos6.test/hook',
      `http://${TEST_ADDRESS}:3000/hook`,
    ])('pairs with %s: the POS lives on the LAN', async (callbackUrl) => {
      expect((await pairWith(t, callbackUrl)).status).toBe(200);
    });
  });

  describe('at delivery', () => {
    let receiver: WebhookReceiver;
    beforeEach(async () => {
      receiver = new WebhookReceiver();
      await receiver.start();
    });
    afterEach(() => receiver.stop());
    const deliveries = (t: Api) =>
      t.ctx.db.prepare('SELECT delivered_at AS deliveredAt, last_error AS lastError FROM webhook_deliveries').all() as { deliveredAt: number | null; lastError: string | null }[];

    describe('on a terminal', () => {
      const t = useApi({ env: INSTANT_SIMULATOR_ENV, resolve });

      it('resolves the name again and sends nothing to an address it refuses (a name that moved to loopback after pairing)', async () => {
        names['rebind.test'] = ['192.168.1.77'];
        const paired = await pairWith(t, `http://rebind.test:${receiver.port}/eposd-webhook`, 'till-1');
        expect(paired.status).toBe(200);
        names['rebind.test'] = ['127.0.0.1'];
        await payAndWait(t.app, t.ctx, (paired.body as { authToken: string }).authToken, { transType: 'SALE', amountTrans: 1000 });
        await t.ctx.webhooks.idle();
        expect(receiver.received).toHaveLength(0);
        expect(deliveries(t)).toEqual([{ deliveredAt: null, lastError: expect.stringContaining('loopback') as string }]);
      });
    });

    describe('on a laptop whose POS runs on the same machine (EPOSD_WEBHOOK_LOOPBACK=true)', () => {
      const t = useApi({ env: { ...INSTANT_SIMULATOR_ENV, EPOSD_WEBHOOK_LOOPBACK: 'true' }, resolve });

      it('delivers to a loopback receiver, by the address the name resolved to, and still never to its own ports', async () => {
        names['laptop.test'] = ['127.0.0.1'];
        const paired = await pairWith(t, `http://laptop.test:${receiver.port}/eposd-webhook`, 'till-1');
        expect(paired.status).toBe(200);
        await payAndWait(t.app, t.ctx, (paired.body as { authToken: string }).authToken, { transType: 'SALE', amountTrans: 1000 });
        await t.ctx.webhooks.idle();
        expect(receiver.received).toHaveLength(1);
        expect(receiver.received[0]!.headers.host).toBe(`laptop.test:${receiver.port}`);
        for (const own of ['http://127.0.0.1:8443/hook', 'http://[::ffff:127.0.0.1]:8080/', 'http://localhost:8443/']) {
          expectProblem(await pairWith(t, own), 400, 'VALIDATION_FAILED');
        }
        expectProblem(await pairWith(t, 'http://169.254.169.254/'), 400, 'VALIDATION_FAILED');
      });
    });
  });
});
