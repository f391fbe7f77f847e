import { randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupEposd, makeTempDir } from '../helpers/process';
import type { Answer, Client } from './helpers/client';
import { apiClient, integrityCheck, pairRegister, readDb, startDevice, type Device } from './helpers/device';
import { figures, median, sleep, tally } from './helpers/figures';
import { scaled } from './helpers/scale';
import type { AnyAnswer } from '../helpers/bodies';

// Issue 7 §1. A POS drives sales (each with its own UTI) and a second connection reads statuses,
// while the terminal is killed with SIGKILL at random moments and started again on the same data.
// After every kill: the database is sound, every acknowledged UTI is there; after every restart:
// nothing is IN_PROGRESS. A POST whose answer was lost is retried with the same UTI and body, and
// no row exists that the POS did not ask for (a second row for a UTI, the UNIQUE index forbids). What matters
// for double charging is counted at the simulated host, from its journal (EPOSD_SIM_HOST_JOURNAL,
// written synchronously as each message arrives, so a kill cannot take a line back): no UTI is
// authorised twice, and each acknowledged payment whose row holds the host's answer was authorised once.
//
// @NOTE SIGKILL kills the process, not the machine: what the process wrote is in the OS's page cache.
// This proves the commit order (nothing acknowledged before its commit) and crash recovery, not
// fsync against power loss, which synchronous=FULL is there for.

const KILLS = scaled(10, 200);
const MIN_ACKS = scaled(150, 20_000);
/** One kill in this many comes at a random moment soon after the start, whatever the POS has done. */
const EARLY_KILL_EVERY = 8;
/** One kill in this many comes 0-5 ms after a POST left, so that some answers are lost on the way. */
const POST_KILL_EVERY = 3;

const ENV = { EPOSD_SIM_CARD_DELAY_MS: '0', EPOSD_SIM_AUTH_DELAY_MS: '0', EPOSD_SIM_MODE: 'auto' };
// Approved, declined, declined after a PIN, chip and PIN, read error, customer cancel.
const AMOUNTS = [1000, 1005, 1051, 6000, 6055, 2096, 2097, 4321];
const TYPES = ['SALE', 'SALE', 'SALE', 'REFUND', 'PREAUTH'] as const;

interface Sale {
  uti: string;
  body: { transType: string; amountTrans: number; uti: string; reference: string };
  query: string;
  /** Sent again after a kill because its answer never arrived. */
  retried: boolean;
  /** The kill that cut its answer off, once counted. */
  lostAtKill?: number;
}

interface Cycle {
  /** Set just before the kill: from then on a connection error is expected. */
  killed: boolean;
  dead: boolean;
  acks: number;
  /** Called as each POST leaves: lets a kill land while the terminal is committing and answering it. */
  onPost?: () => void;
  pos: Client;
  reader: Client;
}

const letters = (n: number) => Array.from({ length: n }, () => 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ'[randomInt(49)]).join('');

describe('Kill -9 durability', () => {
  afterAll(cleanupEposd);

  it(`When the terminal is killed ${KILLS} times while a POS pays and reads, then nothing acknowledged is lost and no UTI is charged twice`, async () => {
    const journal = join(makeTempDir('eposd-faults-host-'), 'host.jsonl');
    const device: Device = await startDevice({ ...ENV, EPOSD_SIM_HOST_JOURNAL: journal });
    const token = await pairRegister(device.eposd, { registerId: 'till-durable' });

    const sent = new Set<string>(); // every UTI the POS ever put in a POST
    const acked = new Set<string>();
    const ackedList: string[] = [];
    const retryQueue: Sale[] = []; // POSTs whose answer was lost
    const problems: string[] = [];
    let serial = 0;
    // Every figure is counted from what was seen; the assertions come after the figures are printed.
    const stats = {
      integrityOk: 0,
      integrityChecks: 0,
      kills: 0,
      earlyKills: 0,
      busy: 0,
      reads: 0,
      unanswered: 0,
      unansweredCommitted: 0,
      retriedAnswered: 0,
      replayChecks: 0,
      inProgressAtKill: 0,
      recoveredFailed: 0,
      inProgressAfterRestart: 0,
    };
    const lostAtKills: string[] = [];
    const integrityFailures: string[] = [];
    const recoveredOtherwise: unknown[] = [];

    const newSale = (): Sale => {
      const uti = `kd${letters(6)}${(serial++).toString(36)}`;
      const transType = TYPES[randomInt(TYPES.length)]!;
      const amountTrans = AMOUNTS[randomInt(AMOUNTS.length)]!;
      return { uti, body: { transType, amountTrans, uti, reference: `ref-${letters(8)}` }, query: `disablePrinting=${randomInt(2) === 0}`, retried: false };
    };

    const seller = async (c: Cycle) => {
      while (!c.dead) {
        const sale = retryQueue.shift() ?? newSale();
        sent.add(sale.uti);
        let res: Answer<AnyAnswer>;
        try {
          const answer = c.pos.call<AnyAnswer>(`/transaction?${sale.query}`, { method: 'POST', body: sale.body });
          c.onPost?.();
          res = await answer;
        } catch (err) {
          retryQueue.unshift({ ...sale, retried: true }); // the answer never came: same UTI, same body, after the restart
          if (!c.killed) problems.push(`POST ${sale.uti} failed before any kill: ${String(err)}`);
          c.dead = true;
          return;
        }
        if (res.status === 409 && res.body?.code === 'TERMINAL_BUSY') {
          // The previous payment is still printing: wait, and send the same request again.
          stats.busy += 1;
          retryQueue.unshift(sale);
          await sleep(2);
          continue;
        }
        if (res.status !== 200 || res.body?.uti !== sale.uti) {
          problems.push(`POST ${sale.uti} answered ${res.status} ${res.text}`);
          c.dead = true;
          return;
        }
        if (sale.retried) stats.retriedAnswered += 1;
        if (!acked.has(sale.uti)) ackedList.push(sale.uti);
        acked.add(sale.uti);
        c.acks += 1;
        try {
          await c.pos.call(`/transaction?uti=${sale.uti}&wait=30`, { timeoutMs: 40_000 });
        } catch (err) {
          if (!c.killed) problems.push(`GET ${sale.uti} failed before any kill: ${String(err)}`);
          c.dead = true;
          return;
        }
      }
    };

    const reader = async (c: Cycle) => {
      while (!c.dead) {
        if (ackedList.length === 0) {
          await sleep(5);
          continue;
        }
        const uti = ackedList[randomInt(ackedList.length)]!;
        let res: Answer<AnyAnswer>;
        try {
          res = await c.reader.call<AnyAnswer>(`/transaction?uti=${uti}`);
        } catch (err) {
          if (!c.killed) problems.push(`GET ${uti} failed before any kill: ${String(err)}`);
          return;
        }
        stats.reads += 1;
        if (res.status !== 200 && res.status !== 202) problems.push(`GET ${uti} answered ${res.status} ${res.text}`);
        await sleep(3);
      }
    };

    for (let kill = 1; kill <= KILLS; kill++) {
      const eposd = device.eposd;
      const c: Cycle = { killed: false, dead: false, acks: 0, pos: apiClient(eposd, token), reader: apiClient(eposd, token) };

      // A POS that retries: an acknowledged UTI sent again is a replay, never a second payment.
      if (ackedList.length > 0) {
        const uti = ackedList[randomInt(ackedList.length)]!;
        const row = readDb(device.dataDir, (db) => db.prepare('SELECT trans_type AS transType, amount AS amountTrans, reference FROM transactions WHERE uti = ?').get(uti)) as Sale['body'];
        const replay = await c.pos.call<AnyAnswer>('/transaction', { method: 'POST', body: { ...row, uti } });
        if (replay.status !== 200 || replay.body?.uti !== uti) problems.push(`replay of ${uti} answered ${replay.status} ${replay.text}`);
        stats.replayChecks += 1;
      }

      const workers = Promise.all([seller(c), reader(c)]);
      const early = kill % EARLY_KILL_EVERY === 0;
      // Spread the acknowledgements still needed over the kills still to come that are not early ones.
      let remaining = 0;
      for (let k = kill; k <= KILLS; k++) if (k % EARLY_KILL_EVERY !== 0) remaining += 1;
      const perKill = Math.max(1, Math.ceil((MIN_ACKS - acked.size) / Math.max(1, remaining)));
      const target = early ? 0 : randomInt(Math.ceil(perKill * 0.75), Math.ceil(perKill * 1.5) + 1);
      const deadline = Date.now() + 120_000;
      while (c.acks < target && !c.dead && Date.now() < deadline) await sleep(2);
      // Then a random moment within a payment (or, early, within the first 300 ms), or just after a POST left.
      if (!early && kill % POST_KILL_EVERY === 0 && !c.dead) {
        await Promise.race([new Promise<void>((resolve) => (c.onPost = resolve)), sleep(5_000)]);
        await sleep(randomInt(6));
      } else {
        await sleep(early ? randomInt(300) : randomInt(40));
      }

      c.killed = true;
      eposd.kill('SIGKILL');
      const exit = await eposd.waitForExit();
      if (exit.signal === 'SIGKILL') {
        stats.kills += 1;
        if (early) stats.earlyKills += 1;
      } else problems.push(`kill ${kill}: the process ended with ${JSON.stringify(exit)}, not by the kill`);
      c.dead = true;
      await workers;
      c.pos.close();
      c.reader.close();

      // After the kill, before the restart: a sound database that has every acknowledged UTI.
      const integrity = integrityCheck(device.dataDir);
      stats.integrityChecks += 1;
      if (integrity === 'ok') stats.integrityOk += 1;
      else integrityFailures.push(`after kill ${kill}: ${integrity}`);
      const before = readDb(device.dataDir, (db) => ({
        utis: new Set(db.prepare('SELECT uti FROM transactions').pluck().all() as string[]),
        inProgress: db.prepare(`SELECT uti FROM transactions WHERE status = 'IN_PROGRESS'`).pluck().all() as string[],
      }));
      lostAtKills.push(...ackedList.filter((u) => !before.utis.has(u)).map((u) => `${u} after kill ${kill}`));
      stats.inProgressAtKill += before.inProgress.length;
      for (const s of retryQueue.filter((r) => r.retried && r.lostAtKill === undefined)) {
        s.lostAtKill = kill;
        stats.unanswered += 1;
        if (before.utis.has(s.uti)) stats.unansweredCommitted += 1;
      }

      await device.restart();
      // Recovery runs before the API listens: nothing is IN_PROGRESS, and what was ends FAILED / TERMINAL_RESTARTED.
      const after = readDb(device.dataDir, (db) => ({
        inProgress: db.prepare(`SELECT count(*) FROM transactions WHERE status = 'IN_PROGRESS'`).pluck().get() as number,
        recovered: before.inProgress.map((u) => db.prepare('SELECT status, status_reason AS reason FROM transactions WHERE uti = ?').get(u) as { status: string; reason: string }),
      }));
      stats.inProgressAfterRestart += after.inProgress;
      for (const r of after.recovered) {
        if (r?.status === 'FAILED' && r.reason === 'TERMINAL_RESTARTED') stats.recoveredFailed += 1;
        else recoveredOtherwise.push(r);
      }
    }

    // The last start finishes the retries of the last kill, then the whole history is checked.
    const c: Cycle = { killed: false, dead: false, acks: 0, pos: apiClient(device.eposd, token), reader: apiClient(device.eposd, token) };
    const finalSeller = seller(c);
    while (retryQueue.length > 0 && !c.dead) await sleep(5);
    c.killed = c.dead = true;
    await finalSeller;
    c.pos.close();
    c.reader.close();
    const unsent = retryQueue.map((r) => r.uti);
    // Reversals of payments that were at the host are sent at start: wait until the host has them all.
    const pendingReversals = () => readDb(device.dataDir, (db) => db.prepare(`SELECT count(*) FROM transactions WHERE reversal = 'PENDING'`).pluck().get() as number);
    for (const deadline = Date.now() + 30_000; pendingReversals() > 0 && Date.now() < deadline;) await sleep(50);
    const reversalsPending = pendingReversals();
    const lastExit = await device.eposd.stop();

    const lastIntegrity = integrityCheck(device.dataDir);
    stats.integrityChecks += 1;
    if (lastIntegrity === 'ok') stats.integrityOk += 1;
    else integrityFailures.push(`at the end: ${lastIntegrity}`);
    const end = readDb(device.dataDir, (db) => ({
      rows: db.prepare('SELECT uti, status, reversal, response_code AS responseCode FROM transactions').all() as {
        uti: string;
        status: string;
        reversal: string | null;
        responseCode: string | null;
      }[],
    }));
    const rowOf = new Map(end.rows.map((r) => [r.uti, r]));
    const lostAtEnd = ackedList.filter((u) => !rowOf.has(u));
    // Every row is one the POS asked for: no retry made a payment of its own.
    const unasked = end.rows.filter((r) => !sent.has(r.uti)).map((r) => r.uti);

    // What the host was asked, per UTI.
    const messages = existsSync(journal)
      ? readFileSync(journal, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { message: string; uti: string })
      : [];
    const authorisations = tally(messages.filter((m) => m.message === 'authorization').map((m) => m.uti));
    const authorisationsOf = (uti: string) => authorisations[uti] ?? 0;
    const authorisedTwice = Object.entries(authorisations).filter(([, n]) => n > 1);
    const authorisedUnsent = Object.keys(authorisations).filter((u) => !sent.has(u));
    // The host's answer is in the row: authorised exactly once. Killed while at the host (reversed, no
    // answer): once, or not at all if the kill came before the request left. Anything else never reached it.
    const expected = (uti: string): number[] => {
      const row = rowOf.get(uti);
      if (row === undefined) return [0, 1]; // lost: counted as lost above
      if (row.responseCode !== null) return [1];
      return row.reversal !== null ? [0, 1] : [0];
    };
    const authorisedOtherwise = ackedList.filter((u) => !expected(u).includes(authorisationsOf(u))).map((u) => ({ uti: u, row: rowOf.get(u), authorisations: authorisationsOf(u) }));
    const killedAtHost = ackedList.filter((u) => rowOf.has(u) && expected(u).length === 2);
    const answeredByHost = ackedList.filter((u) => rowOf.get(u)?.responseCode != null);

    figures('1 kill-9 durability', {
      kills: stats.kills,
      earlyKills: stats.earlyKills,
      acknowledgedUtis: acked.size,
      rows: end.rows.length,
      lostAcknowledged: lostAtKills.length + lostAtEnd.length,
      rowsNotAskedFor: unasked.length,
      inProgressAtEnd: end.rows.filter((r) => r.status === 'IN_PROGRESS').length,
      hostAuthorisations: messages.filter((m) => m.message === 'authorization').length,
      authorisationsPerAcknowledgedUti: tally(ackedList.map(authorisationsOf)),
      utisAuthorisedTwice: authorisedTwice.length,
      authorisedButNeverSent: authorisedUnsent.length,
      answeredByHostAuthorisedOnce: `${answeredByHost.filter((u) => authorisationsOf(u) === 1).length}/${answeredByHost.length}`,
      killedAtHostAuthorised: `${killedAtHost.filter((u) => authorisationsOf(u) === 1).length}/${killedAtHost.length}`,
      hostReversals: messages.filter((m) => m.message === 'reversal').length,
      inProgressAtKill: stats.inProgressAtKill,
      recoveredFailed: stats.recoveredFailed,
      recoveredOtherwise: recoveredOtherwise.length,
      inProgressAfterRestarts: stats.inProgressAfterRestart,
      unansweredPosts: stats.unanswered,
      retriesNeverSent: unsent.length,
      unansweredButCommitted: stats.unansweredCommitted,
      retriesAnswered: stats.retriedAnswered,
      replayChecks: stats.replayChecks,
      statusReads: stats.reads,
      busyAnswers: stats.busy,
      reversed: end.rows.filter((r) => r.reversal === 'DONE').length,
      statuses: tally(end.rows.map((r) => r.status)),
      integrityChecks: `${stats.integrityOk}/${stats.integrityChecks} ok`,
      reversalsPendingAtEnd: reversalsPending,
      problems: problems.length,
      lastExitCode: lastExit,
      medianStartMs: Math.round(median(device.startTimes)),
    });
    expect(problems).toEqual([]);
    expect(integrityFailures).toEqual([]);
    expect([...lostAtKills, ...lostAtEnd]).toEqual([]);
    expect(recoveredOtherwise).toEqual([]);
    expect(stats.inProgressAfterRestart).toBe(0);
    expect(unsent).toEqual([]);
    expect(reversalsPending).toBe(0);
    expect(lastExit).toBe(0);
    expect(unasked).toEqual([]);
    expect(end.rows.filter((r) => r.status === 'IN_PROGRESS')).toEqual([]);
    expect(authorisedTwice).toEqual([]);
    expect(authorisedUnsent).toEqual([]);
    expect(authorisedOtherwise).toEqual([]);
    expect(stats.kills).toBe(KILLS);
    expect(acked.size).toBeGreaterThanOrEqual(MIN_ACKS);
  });
});
