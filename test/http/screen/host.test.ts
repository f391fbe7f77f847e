import request from 'supertest';
import { useApi } from '../../helpers/api';

describe('the screen channel and the Host header', () => {
  const t = useApi({ perFile: true });

  it.each(['127.0.0.1:8080', 'localhost:8080', '[::1]:8080', 'LOCALHOST'])('answers a request for %s', async (host) => {
    await request(t.screen).get('/screen').set('Host', host).expect(200);
  });

  it('when a page reaches it through DNS rebinding (another name), then it answers 403 and does nothing', async () => {
    t.ctx.pairing.openWindow();
    const code = t.ctx.screen.state().pairingCode;
    const read = await request(t.screen).get('/screen').set('Host', 'attacker.example:8080');
    expect(read.status).toBe(403);
    expect(JSON.stringify(read.body)).not.toContain(code);
    await request(t.screen).post('/screen/actions').set('Host', 'attacker.example').send({ action: 'unpairAll' }).expect(403);
  });
});
