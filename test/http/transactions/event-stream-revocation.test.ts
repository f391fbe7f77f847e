import { request as httpRequest, type IncomingMessage } from 'node:http';
import request from 'supertest';
import { BASE_PATH, createApp } from '../../../src/app';
import { pairPos, testContext } from '../../helpers/context';
import { listenOnLoopback, type Listening } from '../../helpers/server';

/** Opens GET /events and resolves with the response once its headers are in. */
function openEvents(url: string, token: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    httpRequest(`${url}${BASE_PATH}/events`, { headers: { Authorization: token } }, resolve).on('error', reject).end();
  });
}
const ended = (res: IncomingMessage) => new Promise<void>((resolve) => res.on('end', resolve).resume());

describe('GET /payntpos/1.0.0/events after the register loses its token', () => {
  const t = testContext();
  const app = createApp(t.ctx);
  let server: Listening;
  beforeAll(async () => {
    server = await listenOnLoopback(app);
  });
  afterAll(async () => {
    await server.close();
    t.ctx.destroy();
  });

  it('when the register unpairs itself, then its open stream is closed and other registers keep theirs', async () => {
    const mine = await pairPos(app, t.ctx, 'till-1');
    const other = await pairPos(app, t.ctx, 'till-2');
    const myStream = await openEvents(server.url, mine);
    const otherStream = await openEvents(server.url, other);
    expect([myStream.statusCode, otherStream.statusCode]).toEqual([200, 200]);
    let otherEnded = false;
    void ended(otherStream).then(() => (otherEnded = true));

    await request(app).delete(`${BASE_PATH}/pair`).set('Authorization', mine).expect(204);
    await ended(myStream);
    expect(otherEnded).toBe(false);
    otherStream.destroy();
  });

  it('when the same registerId pairs again, then the stream opened with the old token is closed', async () => {
    const old = await pairPos(app, t.ctx, 'till-3');
    const stream = await openEvents(server.url, old);
    await pairPos(app, t.ctx, 'till-3');
    await ended(stream);
  });

  it('when the installer unpairs everything on the screen, then every stream is closed', async () => {
    const tokens = [await pairPos(app, t.ctx, 'till-4'), await pairPos(app, t.ctx, 'till-5')];
    const streams = await Promise.all(tokens.map((token) => openEvents(server.url, token)));
    t.ctx.pairing.unpairAll();
    await Promise.all(streams.map(ended));
  });
});
