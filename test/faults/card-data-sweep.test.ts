import { randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { TEST_CARD_IDS, TEST_CARDS, cvmFor, type TestCardId } from '../../src/reader/simulator/test-cards';
import { httpsJson } from '../helpers/http';
import { cleanupEposd } from '../helpers/process';
import { cardLikeNumbers, SIMULATOR_PANS, tokenForms } from '../helpers/secrets';
import type { Answer, Client } from './helpers/client';
import { apiClient, dbFile, pairRegister, screenAction, startDevice, type Device } from './helpers/device';
import { figures, sleep, tally } from './helpers/figures';
import { scaled } from './helpers/scale';
import type { AnyAnswer } from '../helpers/bodies';

// Issue 7 §6. After many payments with every test card (presented at the screen in manual mode, and
// by the simulator in auto mode), of every type and outcome, nothing eposd wrote or answered holds a
// card number: not the database, not its WAL, not stdout or stderr (at debug level), not one answer.
// And no token is anywhere but in the pairing answer that hands it over.

const PAYMENTS = scaled(200, 1_000);
const LEVEL = { EPOSD_LOG_LEVEL: 'debug', EPOSD_HOST_TIMEOUT_MS: '300', EPOSD_SIM_AUTH_DELAY_MS: '0', EPOSD_SIM_CARD_DELAY_MS: '0' };
const AMOUNTS = [1000, 1005, 1051, 1054, 1055, 1091, 1096, 6000, 6055, 7500, 4999, 123];

interface Seen {
  what: string;
  text: string;
}

/**
 * Epoch milliseconds (pino's `time`, the clock guard's anchor `t` in settings: 13 digits pass the Luhn
 * check one time in ten), a certificate fingerprint (64 hex digits) and an EMV application cryptogram
 * (16 random hex digits: a run of 13 or more decimal digits in one, Luhn-valid, about once in a few
 * hundred payments) are not card data: left out of the number search. The cryptogram is known by where
 * it stands: its JSON key in an answer, its type before it in the stored EMV data (`"TC","…"`) and on a
 * receipt line (`TC: …`).
 */
const withoutNoise = (text: string) =>
  text
    .replace(/"(?:time|t)":\d{13}/g, '')
    .replace(/\b[0-9a-f]{64}\b/g, '<sha256>')
    .replace(/("cryptogram":"|\b(?:ARQC|TC|AAC)(?:","|: ))[0-9A-F]{16}(?![0-9A-Za-z])/g, '$1<cryptogram>');

function leaks(where: string, text: string, tokens: string[]): string[] {
  const found: string[] = [];
  for (const pan of SIMULATOR_PANS) if (text.includes(pan)) found.push(`${where}: simulator PAN ${pan}`);
  for (const n of cardLikeNumbers(withoutNoise(text))) found.push(`${where}: Luhn-valid number ${n}`);
  for (const token of tokens) for (const form of tokenForms(token)) if (text.includes(form)) found.push(`${where}: token material ${form.slice(0, 8)}…`);
  return found;
}

describe('Card data and secrets sweep', () => {
  afterAll(cleanupEposd);

  it(`When ${PAYMENTS} payments of every card, type and outcome have been made, then no card number and no token is in the database, its WAL, the logs or any answer`, async () => {
    const answers: Seen[] = [];
    const pairingAnswers: Seen[] = [];
    const logs: string[] = [];
    const files: { database: Buffer[]; wal: Buffer[] } = { database: [], wal: [] };
    const outcomes: string[] = [];
    const cards: string[] = [];
    const keep = (what: string, a: Answer | { status: number; text: string; headers?: unknown }) => answers.push({ what, text: `${a.status} ${JSON.stringify(a.headers ?? {})} ${a.text}` });

    // Manual mode first: every test card at the screen.
    const device: Device = await startDevice({ ...LEVEL, EPOSD_SIM_MODE: 'manual' });
    const pair = async (query: Record<string, string>) => {
      const token = await pairRegister(device.eposd, query);
      pairingAnswers.push({ what: 'pairing', text: token });
      return token;
    };
    const pos = await pair({ registerId: 'till-sweep' });
    const tech = await pair({ registerId: 'tech-sweep', role: 'technician' });
    const tokens = [pos, tech];
    let api: Client = apiClient(device.eposd, pos);
    let diag: Client = apiClient(device.eposd, tech);
    const approved: { uti: string; transType: string; amount: number }[] = [];

    const pay = async (i: number, manual: boolean) => {
      const transType = ['SALE', 'SALE', 'REFUND', 'PREAUTH'][i % 4]!;
      const amountTrans = AMOUNTS[randomInt(AMOUNTS.length)]!;
      const post = await api.call<AnyAnswer>(`/transaction?disablePrinting=${i % 3 === 0}`, { method: 'POST', body: { transType, amountTrans, reference: `sweep-${i.toString(36)}` } });
      keep('POST /transaction', post);
      if (post.status === 409) {
        await sleep(20);
        return;
      }
      expect(post.status).toBe(200);
      const uti = post.body.uti!;
      if (manual) {
        const card = TEST_CARD_IDS[i % TEST_CARD_IDS.length] as TestCardId;
        cards.push(card);
        const shown = await screenAction(device.eposd, { action: 'presentCard', card });
        answers.push({ what: 'screen presentCard', text: JSON.stringify(shown) });
        if ((cvmFor(TEST_CARDS[card], amountTrans) === 'PIN' || amountTrans % 100 === 55) && amountTrans % 100 !== 96) {
          for (let tries = 0; tries < 200; tries++) {
            const pin = await screenAction(device.eposd, { action: 'enterPin', pin: '1234' });
            answers.push({ what: 'screen enterPin', text: JSON.stringify(pin) });
            if (pin.status === 200) break;
            await sleep(5);
          }
        }
      } else cards.push(amountTrans <= 5000 ? 'visa-contactless' : 'mastercard-chip');
      const status = await api.call<AnyAnswer>(`/transaction?uti=${uti}&wait=20`, { timeoutMs: 30_000 });
      keep('GET /transaction', status);
      outcomes.push(`${transType}:${status.body.status}`);
      if (status.body.status === 'APPROVED') approved.push({ uti, transType, amount: amountTrans });
      answers.push({ what: 'screen', text: (await httpsJson(`${device.eposd.screenUrl}screen`)).text });
    };

    /** Voids, completions, reprints, searches, settlement and diagnostics: every other answer that can show a card. */
    const around = async () => {
      for (const tx of approved.splice(0, 6)) {
        const body = tx.transType === 'PREAUTH' ? { transType: 'COMPLETION', uti: tx.uti, amountTrans: Math.max(1, tx.amount - 1) } : { transType: 'REVERSAL', uti: tx.uti };
        const res = await api.call<AnyAnswer>('/transaction', { method: 'POST', body });
        keep(`POST ${body.transType}`, res);
        if (res.status === 200) keep('GET follow-up', await api.call(`/transaction?uti=${res.body.uti!}&wait=20`, { timeoutMs: 30_000 }));
        keep('POST /print', await api.call(`/print?uti=${tx.uti}&copy=merchant`, { method: 'POST' }));
      }
      keep('GET /transactions', await api.call('/transactions?limit=100'));
      keep('GET /settlement', await api.call('/settlement'));
      keep('GET /diagnostics', await diag.call('/diagnostics'));
    };

    const manualCount = Math.round(PAYMENTS * 0.75);
    for (let i = 0; i < manualCount; i++) {
      await pay(i, true);
      if (i % 25 === 24) await around();
    }
    await around();
    keep('POST /settlement', await api.call('/settlement', { method: 'POST' }));
    // The files as they are while eposd runs: the WAL holds the latest commits.
    files.database.push(readFileSync(dbFile(device.dataDir)));
    if (existsSync(`${dbFile(device.dataDir)}-wal`)) files.wal.push(readFileSync(`${dbFile(device.dataDir)}-wal`));
    api.close();
    diag.close();
    expect(await device.eposd.stop()).toBe(0);
    logs.push(...device.eposd.stdout(), ...device.eposd.stderr());

    // Then auto mode, on the same data: the simulator presents the cards.
    await device.restart({ ...LEVEL, EPOSD_SIM_MODE: 'auto' });
    api = apiClient(device.eposd, pos);
    diag = apiClient(device.eposd, tech);
    for (let i = manualCount; i < PAYMENTS; i++) await pay(i, false);
    await around();
    files.database.push(readFileSync(dbFile(device.dataDir)));
    if (existsSync(`${dbFile(device.dataDir)}-wal`)) files.wal.push(readFileSync(`${dbFile(device.dataDir)}-wal`));
    api.close();
    diag.close();
    expect(await device.eposd.stop()).toBe(0);
    logs.push(...device.eposd.stdout(), ...device.eposd.stderr());
    files.database.push(readFileSync(dbFile(device.dataDir)));

    const found = [
      ...files.database.flatMap((b, i) => leaks(`database #${i + 1}`, b.toString('latin1'), tokens)),
      ...files.wal.flatMap((b, i) => leaks(`WAL #${i + 1}`, b.toString('latin1'), tokens)),
      ...leaks('logs', logs.join('\n'), tokens),
      ...answers.flatMap((a) => leaks(a.what, a.text, tokens)),
      // A pairing answer carries its token by design; it must carry no card number.
      ...pairingAnswers.flatMap((a) => leaks(a.what, a.text, [])),
    ];
    const maskedShown = answers.filter((a) => /\d{2}\*{6,}\d{4}/.test(a.text)).length;
    figures('6 card data and secrets sweep', {
      payments: outcomes.length,
      cards: tally(cards),
      outcomes: tally(outcomes.map((o) => o.split(':')[1]!)),
      types: tally(outcomes.map((o) => o.split(':')[0]!)),
      answersSwept: answers.length + pairingAnswers.length,
      answersWithMaskedPan: maskedShown,
      logLines: logs.length,
      databaseBytes: files.database.reduce((n, b) => n + b.length, 0),
      walBytes: files.wal.reduce((n, b) => n + b.length, 0),
      luhnValid: found.filter((f) => f.includes('Luhn')).length,
      simulatorPans: found.filter((f) => f.includes('simulator PAN')).length,
      plaintextTokens: found.filter((f) => f.includes('token')).length,
    });
    expect(found).toEqual([]);
    expect(maskedShown).toBeGreaterThan(0); // the sweep looked where card data would be
  });
});
