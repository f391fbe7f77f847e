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

  const cancel = async (client: Client, uti: string) => {
    const res = await client.call<AnyAnswer>(`/transaction?uti=${uti}`, { method: 'DELETE' });
    expect(res.body.status).toBe('CANCELLED');
  };

  it(`When ${POS_COUNT} POS post a payment at the same moment, then exactly one is accepted and ${POS_COUNT - 1} answer 409 TERMINAL_BUSY with its UTI`, async () => {
    const spread: number[] = [];
    const winners: number[] = [];
    const acceptedCounts: number[] = [];
    const busyCounts: number[] = [];
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
      expect(accepted).toHaveLength(1);
      expect(busy).toHaveLength(POS_COUNT - 1);
      const uti = accepted[0]!.body.uti!;
      expect(new Set(busy.map((b) => b.body.uti))).toEqual(new Set([uti]));
      const winner = answers.indexOf(accepted[0]!);
      winners.push(winner);
      spread.push(Math.max(...answers.map((a) => a.ms)) - Math.min(...answers.map((a) => a.ms)));
      await cancel(tills[winner]!, uti);
    }
    const rows = readDb(device.dataDir, (db) => db.prepare('SELECT count(*) FROM transactions').pluck().get() as number);
    expect(rows).toBe(BUSY_ROUNDS);
    figures('3a 20 POS at once', {
      rounds: BUSY_ROUNDS,
      acceptedPerRound: tally(acceptedCounts),
      busyPerRound: tally(busyCounts),
      rowsCreated: rows,
      distinctWinners: new Set(winners).size,
      medianAnswerSpreadMs: Math.round(median(spread)),
    });
  });

  it(`When one POS sends the same UTI ${RETRIES} times at once, then there is one transaction and every answer carries its UTI`, async () => {
    const sockets = apiClient(device.eposd, tokens[0], RETRIES);
    await Promise.all(Array.from({ length: RETRIES }, () => sockets.call('/health')));
    const before = readDb(device.dataDir, (db) => db.prepare('SELECT count(*) FROM transactions').pluck().get() as number);
    const statuses: number[] = [];
    const rowsPerUti: number[] = [];
    for (let round = 0; round < RETRY_ROUNDS; round++) {
      const uti = `retry-storm-${round}-${Date.now().toString(36)}`;
      const body = { transType: 'SALE', amountTrans: 1234, uti, reference: `storm-${round}` };
      const answers = await Promise.all(Array.from({ length: RETRIES }, () => sockets.call<AnyAnswer>('/transaction?disablePrinting=true', { method: 'POST', body })));
      statuses.push(...answers.map((a) => a.status));
      expect(answers.map((a) => [a.status, a.body.uti])).toEqual(Array.from({ length: RETRIES }, () => [200, uti]));
      const rows = readDb(device.dataDir, (db) => db.prepare('SELECT count(*) FROM transactions WHERE uti = ?').pluck().get(uti) as number);
      rowsPerUti.push(rows);
      expect(rows).toBe(1);
      await cancel(tills[0]!, uti);
    }
    sockets.close();
    const after = readDb(device.dataDir, (db) => db.prepare('SELECT count(*) FROM transactions').pluck().get() as number);
    expect(after - before).toBe(RETRY_ROUNDS);
    figures('3b 100 retries of one UTI', { rounds: RETRY_ROUNDS, requests: RETRY_ROUNDS * RETRIES, answers: tally(statuses), transactionsCreated: after - before, rowsPerUti: tally(rowsPerUti) });
  });
});
