import { request as httpRequest, type IncomingMessage } from 'node:http';
import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import { useApi } from '../../helpers/api';

/** Opens GET /events and resolves with the response once its headers are in. */
function openEvents(url: string, token: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    httpRequest(`${url}${BASE_PATH}/events`, { headers: { Authorization: token } }, resolve)
      .on('error', reject)
      .end();
  });
}
const ended = (res: IncomingMessage) => new Promise<void>((resolve) => res.on('end', resolve).resume());

describe('GET /payntpos/1.0.0/events after the register loses its token', () => {
  const t = useApi({ listen: true, perFile: true });

  it('when the register unpairs itself, then its open stream is closed and other registers keep theirs', async () => {
    const mine = await t.pairPos('till-1');
    const other = await t.pairPos('till-2');
    const myStream = await openEvents(t.server.url, mine);
    const otherStream = await openEvents(t.server.url, other);
    expect([myStream.statusCode, otherStream.statusCode]).toEqual([200, 200]);
    let otherEnded = false;
    void ended(otherStream).then(() => (otherEnded = true));

    await request(t.app).delete(`${BASE_PATH}/pair`).set('Authorization', mine).expect(204);
    await ended(myStream);
    expect(otherEnded).toBe(false);
    otherStream.destroy();
  });

  it('when the same registerId pairs again, then the stream opened with the old token is closed', async () => {
    const old = await t.pairPos('till-3');
    const stream = await openEvents(t.server.url, old);
    await t.pairPos('till-3');
    await ended(stream);
  });

  it('when the installer unpairs everything on the screen, then every stream is closed', async () => {
    const tokens = [await t.pairPos('till-4'), await t.pairPos('till-5')];
    const streams = await Promise.all(tokens.map((token) => openEvents(t.server.url, token)));
    t.ctx.pairing.unpairAll();
    await Promise.all(streams.map(ended));
  });
});
