import { randomInt } from 'node:crypto';
import { BASE_PATH, createApp } from '../../src/app';
import { MAX_WRONG_CODES } from '../../src/pairing/pairing.service';
import { otherCode, testContext } from '../helpers/context';
import { cleanupEposd } from '../helpers/process';
import { listenOnLoopback } from '../helpers/server';
import { Client, type Answer } from './helpers/client';
import { apiClient, readDb, screenAction, screenState, startDevice, type Device } from './helpers/device';
import { figures, median, tally } from './helpers/figures';
import type { AnyAnswer } from '../helpers/bodies';

// Issue 7 §4. 10,000 wrong codes over many connections find nothing: the code dies after 5 wrong
// tries and the right one fails after it. The per-address rate limit is raised for the flood so that
// the per-code counter is what is tested, then shown at its default. Wrong, expired and used codes
// answer alike in status, body, headers and time.

const GUESSES = 10_000;
const CONNECTIONS = 50;
const TIMING_TRIES = 200;

const wrongCode = (right: string) => {
  for (;;) {
    const guess = String(randomInt(1_000_000)).padStart(6, '0');
    if (guess !== right) return guess;
  }
};

const guess = (client: Client, code: string, post: boolean): Promise<Answer<AnyAnswer>> =>
  post ? client.call('/pair', { method: 'POST', body: { pairingCode: code } }) : client.call(`/pair?pairingCode=${code}`);

describe('Pairing brute force', () => {
  afterAll(cleanupEposd);

  describe('against the real process, with the rate limit raised', () => {
    let device: Device;
    let client: Client;
    let codeDiedAfter: number | undefined;
    beforeAll(async () => {
      device = await startDevice({ EPOSD_PAIR_RATE_LIMIT: '100000' });
      client = apiClient(device.eposd, undefined, CONNECTIONS);
    });
    afterAll(() => client.close());

    it(`When ${MAX_WRONG_CODES} wrong codes are sent, then the code is dead and the right code fails too`, async () => {
      const code = (await screenAction(device.eposd, { action: 'openPairing' })).body.pairingCode as string;
      // Wrong codes until the screen no longer shows the code (a few past the limit at most).
      for (let i = 1; i <= MAX_WRONG_CODES + 2 && codeDiedAfter === undefined; i++) {
        expect((await guess(client, wrongCode(code), i % 2 === 0)).body.code).toBe('PAIRING_FAILED');
        if ((await screenState(device.eposd)).pairingCode !== code) codeDiedAfter = i;
      }
      expect(codeDiedAfter).toBe(MAX_WRONG_CODES);
      expect((await screenState(device.eposd)).pairingCode).toBeUndefined();
      const right = await guess(client, code, false);
      expect([right.status, right.body.code]).toEqual([401, 'PAIRING_FAILED']);
    });

    it(`When ${GUESSES} wrong codes arrive over ${CONNECTIONS} connections, then none pairs and the right code fails afterwards`, async () => {
      const registersBefore = readDb(device.dataDir, (db) => db.prepare('SELECT count(*) FROM registers').pluck().get() as number);
      const code = (await screenAction(device.eposd, { action: 'openPairing' })).body.pairingCode as string;
      const statuses: string[] = [];
      const ms: number[] = [];
      let next = 0;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: CONNECTIONS }, async () => {
          while (next < GUESSES) {
            const i = next++;
            const res = await guess(client, wrongCode(code), i % 2 === 1);
            statuses.push(`${res.status} ${res.body?.code}`);
            ms.push(res.ms);
          }
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      const right = await guess(client, code, false);
      const counts = tally(statuses);
      const registersAfter = readDb(device.dataDir, (db) => db.prepare('SELECT count(*) FROM registers').pluck().get() as number);
      const codeShownAfter = (await screenState(device.eposd)).pairingCode;
      figures('4a pairing brute force', {
        wrongCodes: statuses.length,
        connections: client.socketsUsed(),
        successes: statuses.filter((s) => s.startsWith('200')).length,
        registersCreated: registersAfter - registersBefore,
        answers: counts,
        rightCodeAfter: `${right.status}_${right.body.code}`,
        codeDiedAfter: codeDiedAfter ?? 'never',
        codeShownAfter: codeShownAfter ?? 'none',
        perSecond: Math.round(statuses.length / seconds),
        medianMs: Number(median(ms).toFixed(2)),
      });
      expect(counts).toEqual({ '401 PAIRING_FAILED': GUESSES });
      expect([right.status, right.body.code]).toEqual([401, 'PAIRING_FAILED']);
      expect(codeShownAfter).toBeUndefined();
      expect(registersAfter).toBe(registersBefore);
    });
  });

  it('When a client goes past the default rate limit, then it is answered 429 RATE_LIMITED, even with the right code', async () => {
    const device = await startDevice({}); // EPOSD_PAIR_RATE_LIMIT not set: the default, 10 a minute
    const client = apiClient(device.eposd, undefined, 4);
    const answers: Answer[] = [];
    let fresh = '';
    // A new code every 4 wrong tries, so that the per-code counter cannot be what refuses the 11th.
    for (let i = 0; i < 10; i++) {
      if (i % 4 === 0) fresh = (await screenAction(device.eposd, { action: 'openPairing' })).body.pairingCode as string;
      answers.push(await guess(client, wrongCode(fresh), i % 2 === 0));
    }
    const limited = await guess(client, fresh, false);
    client.close();
    const codeShownAfter = (await screenState(device.eposd)).pairingCode;
    figures('4b default rate limit', {
      policy: limited.headers['ratelimit-policy'] ?? 'none',
      answeredBeforeLimit: tally(answers.map((a) => a.status)),
      then: `${limited.status}_${limited.body.code}`,
      retryAfterS: limited.headers['retry-after'],
      codeStillShown: codeShownAfter === fresh,
    });
    await device.eposd.stop();
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(401));
    expect([limited.status, limited.body.code]).toEqual([429, 'RATE_LIMITED']);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(codeShownAfter).toBe(fresh); // nothing was looked at
  });

  it(`When wrong, expired and used codes are tried ${TIMING_TRIES} times each, then their status, body, headers and median time are alike`, async () => {
    // In-process over a loopback socket, with a manual clock: a code expires at once instead of after
    // EPOSD_PAIRING_TTL_S (10 s at least), and the three kinds are measured in turns, under the same load.
    const { ctx, clock } = testContext();
    const server = await listenOnLoopback(createApp(ctx));
    const client = new Client(`${server.url}${BASE_PATH}`, undefined, 1);
    const kinds = ['wrong', 'expired', 'used'] as const;
    const seen: Record<(typeof kinds)[number], Answer[]> = { wrong: [], expired: [], used: [] };
    const pairings: number[] = [];
    let open: { code: string; wrong: number } | undefined;
    try {
      await client.call('/health');
      for (let i = 0; i < TIMING_TRIES; i++) {
        for (const kind of [...kinds].sort(() => Math.random() - 0.5)) {
          let code: string;
          if (kind === 'wrong') {
            if (!open || open.wrong >= MAX_WRONG_CODES - 1) open = { code: ctx.pairing.openWindow().code, wrong: 0 };
            open.wrong += 1;
            code = otherCode(open.code);
          } else if (kind === 'expired') {
            code = ctx.pairing.openWindow().code;
            clock.advance(ctx.config.pairingTtlS * 1000 + 1);
            open = undefined;
          } else {
            code = ctx.pairing.openWindow().code;
            pairings.push((await client.call(`/pair?pairingCode=${code}&registerId=till-used`)).status);
            open = undefined;
          }
          seen[kind].push(await guess(client, code, i % 2 === 1));
        }
      }
    } finally {
      client.close();
      await server.close();
      ctx.destroy();
    }
    const headersOf = (a: Answer) =>
      Object.entries(a.headers)
        .filter(([k]) => !['date', 'ratelimit', 'ratelimit-policy', 'keep-alive', 'connection'].includes(k))
        .sort(([x], [y]) => x.localeCompare(y));
    const all = [...seen.wrong, ...seen.expired, ...seen.used];
    const medians = Object.fromEntries(kinds.map((k) => [k, median(seen[k].map((a) => a.ms))])) as Record<(typeof kinds)[number], number>;
    const spread = Math.max(...Object.values(medians)) - Math.min(...Object.values(medians));
    figures('4c wrong/expired/used alike', {
      tries: Object.fromEntries(kinds.map((k) => [k, seen[k].length])),
      usedCodesPairedFirst: tally(pairings),
      statuses: Object.fromEntries(kinds.map((k) => [k, tally(seen[k].map((a) => a.status))])),
      distinctBodies: new Set(all.map((a) => a.text)).size,
      distinctHeaderSets: new Set(all.map((a) => JSON.stringify(headersOf(a)))).size,
      medianWrongMs: Number(medians.wrong.toFixed(3)),
      medianExpiredMs: Number(medians.expired.toFixed(3)),
      medianUsedMs: Number(medians.used.toFixed(3)),
      medianSpreadMs: Number(spread.toFixed(3)),
    });
    expect(pairings).toEqual(Array(TIMING_TRIES).fill(200));
    expect(new Set(all.map((a) => a.status))).toEqual(new Set([401]));
    expect(new Set(all.map((a) => a.text)).size).toBe(1);
    expect(new Set(all.map((a) => JSON.stringify(headersOf(a)))).size).toBe(1);
    expect(spread).toBeLessThan(10);
  });
});
