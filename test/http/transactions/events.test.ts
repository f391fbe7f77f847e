import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import { REPLAY_WINDOW, type FeedEvent } from '../../../src/transactions/event-feed';
import { useApi } from '../../helpers/api';
import { MANUAL_SIMULATOR_ENV, rowOf, TX_PATH, untilIdleAfter, untilStage, startPayment } from '../../helpers/payments';
import { expectProblem } from '../../helpers/problem';
import { openSse, type SseClient, type SseFrame } from '../../helpers/sse';
import { until } from '../../helpers/until';

const EVENTS_PATH = `${BASE_PATH}/events`;

describe('GET /payntpos/1.0.0/events (Server-Sent Events)', () => {
  const streams: SseClient[] = [];
  const t = useApi({ env: MANUAL_SIMULATOR_ENV, paired: true, listen: true, afterEach: () => streams.splice(0).forEach((s) => s.close()) });

  const connect = async (headers: Record<string, string> = {}) => {
    const stream = await openSse(`${t.server.url}${EVENTS_PATH}`, { authorization: t.token, ...headers });
    streams.push(stream);
    return stream;
  };
  const disconnect = async (stream: SseClient) => {
    stream.close();
    await until('the server to see the client go', () => t.ctx.feed.listenerCount('event') === 0);
  };
  const startSale = (amount: number) => startPayment(t.app, t.token, { transType: 'SALE', amountTrans: amount, reference: 'events-1' });
  const present = (card: 'visa-contactless' | 'mastercard-chip') => t.ctx.simulator!.presentCard(card);
  /** The ids of every committed transition, in order: what a client that missed nothing has seen. */
  const committedIds = (): string[] => (t.ctx.db.prepare('SELECT id FROM transaction_events ORDER BY id').pluck().all() as number[]).map(String);
  const feed = (f: SseFrame) => JSON.parse(f.data) as FeedEvent;
  const moves = (frames: SseFrame[]) => frames.map((f) => `${feed(f).from}→${feed(f).state} ${feed(f).status}`);

  it('sends an event: transaction frame with an id for each stage and for the outcome of a payment', async () => {
    const stream = await connect();
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);
    const uti = await startSale(1000);
    present('visa-contactless');
    await untilIdleAfter(t.ctx, uti);
    const frames = await stream.waitForFrames(4);

    expect(frames.map((f) => f.event)).toEqual(['transaction', 'transaction', 'transaction', 'transaction']);
    expect(moves(frames)).toEqual(['IDLE→AWAITING_CARD IN_PROGRESS', 'AWAITING_CARD→READING_CARD IN_PROGRESS', 'READING_CARD→AUTHORIZING IN_PROGRESS', 'AUTHORIZING→IDLE APPROVED']);
    expect(frames.map((f) => f.id)).toEqual(committedIds());
    expect(feed(frames[3]!)).toEqual({
      id: Number(frames[3]!.id),
      uti,
      transactionType: 'SALE',
      transAmount: 1000,
      reference: 'events-1',
      from: 'AUTHORIZING',
      state: 'IDLE',
      status: 'APPROVED',
      statusReason: 'APPROVED',
      detail: 'APPROVED',
      at: new Date(rowOf(t.ctx, uti).completedAt!).toISOString(),
    });
    expect(frames.every((f) => feed(f).id === Number(f.id) && feed(f).uti === uti)).toBe(true);
  });

  it('replays exactly the events after Last-Event-ID, those that happened while disconnected included, then goes on live', async () => {
    const first = await connect();
    const sale1 = await startSale(6000);
    present('mastercard-chip');
    await untilStage(t.ctx, sale1, 'AWAITING_PIN');
    const seen = await first.waitForFrames(3);
    await disconnect(first);

    // While no client is connected: the PIN, the outcome, and the next payment's first stage.
    t.ctx.simulator!.enterPin('1234');
    await untilIdleAfter(t.ctx, sale1);
    const sale2 = await startSale(2000);

    const second = await connect({ 'Last-Event-ID': seen[2]!.id! });
    const replayed = await second.waitForFrames(3);
    expect(moves(replayed)).toEqual(['AWAITING_PIN→AUTHORIZING IN_PROGRESS', 'AUTHORIZING→IDLE APPROVED', 'IDLE→AWAITING_CARD IN_PROGRESS']);
    expect(replayed.map((f) => feed(f).uti)).toEqual([sale1, sale1, sale2]);

    await request(t.app).delete(TX_PATH).query({ uti: sale2 }).set('Authorization', t.token).expect(200);
    const all = await second.waitForFrames(4);
    expect(moves(all.slice(3))).toEqual(['AWAITING_CARD→IDLE CANCELLED']);
    // Nothing missed, nothing repeated: both connections together saw every committed transition once.
    expect([...seen, ...second.frames].map((f) => f.id)).toEqual(committedIds());
  });

  it('replays nothing to a client that resumes from the latest id, and only new events follow', async () => {
    const first = await connect();
    const uti = await startSale(1000);
    const [opened] = await first.waitForFrames(1);
    await disconnect(first);
    const second = await connect({ 'Last-Event-ID': opened!.id! });
    present('visa-contactless');
    await untilIdleAfter(t.ctx, uti);
    const frames = await second.waitForFrames(3);
    expect(frames.map((f) => f.id)).toEqual(committedIds().slice(1));
    expect(second.frames).toHaveLength(3);
  });

  it('sends only new events to a client that connects without Last-Event-ID', async () => {
    const uti = await startSale(1000);
    const stream = await connect();
    present('visa-contactless');
    await untilIdleAfter(t.ctx, uti);
    const frames = await stream.waitForFrames(3);
    expect(moves(frames)[0]).toBe('AWAITING_CARD→READING_CARD IN_PROGRESS');
    expect(stream.frames).toHaveLength(3);
  });

  it(`says "truncated" when more than the last ${REPLAY_WINDOW} events were missed, then replays the last ${REPLAY_WINDOW}`, async () => {
    const uti = await startSale(1000);
    const { id } = rowOf(t.ctx, uti);
    const insert = t.ctx.db.prepare(`INSERT INTO transaction_events (transaction_id, at, from_state, to_state, detail) VALUES (?, 0, 'AWAITING_CARD', 'AWAITING_CARD', 'filler')`);
    t.ctx.db.transaction(() => {
      for (let i = 0; i < REPLAY_WINDOW + 5; i++) insert.run(id);
    })();
    const stream = await connect({ 'Last-Event-ID': '1' });
    const frames = await stream.waitForFrames(REPLAY_WINDOW + 1);
    expect(frames[0]).toMatchObject({ event: 'truncated' });
    expect(frames.slice(1).map((f) => f.id)).toEqual(committedIds().slice(-REPLAY_WINDOW));
  });

  it('answers 401 without a token and 403 to a technician token', async () => {
    expectProblem(await request(t.app).get(EVENTS_PATH), 401, 'UNAUTHORIZED');
    const technician = await t.pairTechnician();
    expectProblem(await request(t.app).get(EVENTS_PATH).set('Authorization', technician), 403, 'FORBIDDEN');
    expect(t.ctx.feed.listenerCount('event')).toBe(0);
  });
});
