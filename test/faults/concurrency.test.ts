import { cleanupEposd } from '../helpers/process';
import type { Answer, Client } from './helpers/client';
import { apiClient, pairRegister, readDb, startDevice, type Device } from './helpers/device';
import { figures, median, tally } from './helpers/figures';
import { scaled } from './helpers/scale';
import type { AnyAnswer } from '../helpers/bodies';

// Issue 7 §3, against the real process over HTTPS: every POS on its own warm connection, so that the
// requests reach the terminal as close together as a LAN allows.
// 20 POS post at once → exactly one accepted, 19 TERMINAL_BUSY naming it; 100 concurrent retries of
// one client-chosen UTI → one transaction, and all 100 answers carry that UTI.

const POS_COUNT = 20;
const RETRIES = 100;
const BUSY_ROUNDS = scaled(5, 50);
const RETRY_ROUNDS = scaled(3, 20);

describe('Concurrency', () => {
  let device: Device;
  const tills: Client[] = [];
  const tokens: string[] = [];

  beforeAll(async () => {
    // Manual mode: the accepted payment waits for a card, so the terminal stays busy while the others arrive.
    device = await startDevice({ EPOSD_SIM_MODE: 'manual', EPOSD_PAIR_RATE_LIMIT: '1000' });
    for (let i = 1; i <= POS_COUNT; i++) tokens.push(await pairRegister(device.eposd, { registerId: `till-${i}` }));
    for (const token of tokens) tills.push(apiClient(device.eposd, token));
    await Promise.all(tills.map((c) => c.call('/health')));
  });
  afterAll(async () => {
    tills.forEach((c) => c.close());
    await cleanupEposd();
  });

  /** Cancels the accepted payment, so that the next round finds the terminal idle; answers the status it ended with. */
  const cancel = async (client: Client, uti: string): Promise<string> => String((await client.call<AnyAnswer>(`/transaction?uti=${uti}`, { method: 'DELETE' })).body.status);

  it(`When ${POS_COUNT} POS post a payment at the same moment, then exactly one is accepted and ${POS_COUNT - 1} answer 409 TERMINAL_BUSY with its UTI`, async () => {
    const spread: number[] = [];
    const winners: number[] = [];
    const acceptedCounts: number[] = [];
    const busyCounts: number[] = [];
    const busyNamingOther: number[] = [];
    const cancelled: string[] = [];
    for (let round = 0; round < BUSY_ROUNDS; round++) {
      // Sent in a different order each round, so that any till may win the race.
      const order = tills.map((_, i) => i).sort(() => Math.random() - 0.5);
      const answers: Answer<AnyAnswer>[] = new Array<Answer<AnyAnswer>>(POS_COUNT);
      await Promise.all(
        order.map(async (i) => {
          answers[i] = await tills[i]!.call<AnyAnswer>('/transaction?disablePrinting=true', { method: 'POST', body: { transType: 'SALE', amountTrans: 1000 + i } });
        }),
      );
      const accepted = answers.filter((a) => a.status === 200);
      const busy = answers.filter((a) => a.status === 409 && a.body.code === 'TERMINAL_BUSY');
      acceptedCounts.push(accepted.length);
      busyCounts.push(busy.length);
      spread.push(Math.max(...answers.map((a) => a.ms)) - Math.min(...answers.map((a) => a.ms)));
      for (const a of accepted) {
        busyNamingOther.push(busy.filter((b) => b.body.uti !== a.body.uti).length);
        const winner = answers.indexOf(a);
        winners.push(winner);
        cancelled.push(await cancel(tills[winner]!, a.body.uti!));
      }
    }
    const rows = readDb(device.dataDir, (db) => db.prepare('SELECT count(*) FROM transactions').pluck().get() as number);
    figures('3a 20 POS at once', {
      rounds: acceptedCounts.length,
      acceptedPerRound: tally(acceptedCounts),
      busyPerRound: tally(busyCounts),
      busyNamingAnotherUti: busyNamingOther.reduce((n, x) => n + x, 0),
      rowsCreated: rows,
      cancelledAfter: tally(cancelled),
      distinctWinners: new Set(winners).size,
      medianAnswerSpreadMs: Math.round(median(spread)),
    });
    expect(acceptedCounts).toEqual(Array(BUSY_ROUNDS).fill(1));
    expect(busyCounts).toEqual(Array(BUSY_ROUNDS).fill(POS_COUNT - 1));
    expect(busyNamingOther).toEqual(Array(BUSY_ROUNDS).fill(0));
    expect(cancelled).toEqual(Array(BUSY_ROUNDS).fill('CANCELLED'));
    expect(rows).toBe(BUSY_ROUNDS);
  });

  it(`When one POS sends the same UTI ${RETRIES} times at once, then there is one transaction and every answer carries its UTI`, async () => {
    const sockets = apiClient(device.eposd, tokens[0], RETRIES);
    await Promise.all(Array.from({ length: RETRIES }, () => sockets.call('/health')));
    const before = readDb(device.dataDir, (db) => db.prepare('SELECT count(*) FROM transactions').pluck().get() as number);
    const statuses: number[] = [];
    const rowsPerUti: number[] = [];
    const otherUti: number[] = [];
    const cancelled: string[] = [];
    for (let round = 0; round < RETRY_ROUNDS; round++) {
      const uti = `retry-storm-${round}-${Date.now().toString(36)}`;
      const body = { transType: 'SALE', amountTrans: 1234, uti, reference: `storm-${round}` };
      const answers = await Promise.all(Array.from({ length: RETRIES }, () => sockets.call<AnyAnswer>('/transaction?disablePrinting=true', { method: 'POST', body })));
      statuses.push(...answers.map((a) => a.status));
      otherUti.push(answers.filter((a) => a.body.uti !== uti).length);
      rowsPerUti.push(readDb(device.dataDir, (db) => db.prepare('SELECT count(*) FROM transactions WHERE uti = ?').pluck().get(uti) as number));
      cancelled.push(await cancel(tills[0]!, uti));
    }
    sockets.close();
    const after = readDb(device.dataDir, (db) => db.prepare('SELECT count(*) FROM transactions').pluck().get() as number);
    figures('3b 100 retries of one UTI', {
      rounds: rowsPerUti.length,
      requests: statuses.length,
      answers: tally(statuses),
      answersWithAnotherUti: otherUti.reduce((n, x) => n + x, 0),
      transactionsCreated: after - before,
      rowsPerUti: tally(rowsPerUti),
      cancelledAfter: tally(cancelled),
    });
    expect(statuses).toEqual(Array(RETRY_ROUNDS * RETRIES).fill(200));
    expect(otherUti).toEqual(Array(RETRY_ROUNDS).fill(0));
    expect(rowsPerUti).toEqual(Array(RETRY_ROUNDS).fill(1));
    expect(cancelled).toEqual(Array(RETRY_ROUNDS).fill('CANCELLED'));
    expect(after - before).toBe(RETRY_ROUNDS);
  });
});
