import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import request from 'supertest';
import { createApp } from '../../src/app';
import { pairPos, testContext } from '../helpers/context';
import { dbSnapshot } from '../helpers/db';
import { cleanupEposd, makeTempDir } from '../helpers/process';
import type { Client } from './helpers/client';
import { apiClient, integrityCheck, pairRegister, readDb, screenAction, startDevice, type Device } from './helpers/device';
import { figures, sleep, tally } from './helpers/figures';
import { MANUAL_SIMULATOR_ENV, TX_PATH } from '../helpers/payments';
import { bodyOf, type AnyAnswer } from '../helpers/bodies';

// Issue 7 §9. The database's disk fills up: a new payment answers 503 STORAGE_UNAVAILABLE with no
// UTI and nothing half-written, reads go on working, and once there is space again the terminal
// takes payments again by itself, without a restart.
//
// Where the machine allows it (root may mount) the data directory is a 16 MiB tmpfs filled to the
// last byte, so that SQLite meets a real ENOSPC (SQLITE_FULL). Where it does not, the same story runs
// in-process with the failure injected at the database layer: `PRAGMA query_only` makes every write
// fail (SQLITE_READONLY), which eposd treats as the same storage failure.

const TMPFS_BYTES = 16 * 1024 * 1024;
const CARD_TIMEOUT_MS = 5000;

function tryMount(dir: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_BYTES},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
    return true;
  } catch (err) {
    console.log(`storage faults: cannot mount a tmpfs here (${String((err as { stderr?: Buffer }).stderr ?? err).trim()}); injecting the failure at the database layer instead`);
    return false;
  }
}

/** Fills the file system of `dir` to the last byte; answers the filler's path and size. */
function fillDisk(dir: string): { file: string; bytes: number } {
  const file = join(dir, 'filler.bin');
  const fd = openSync(file, 'w');
  let bytes = 0;
  try {
    for (const size of [1024 * 1024, 4096, 1]) {
      const block = Buffer.alloc(size);
      for (;;) {
        try {
          bytes += writeSync(fd, block);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return { file, bytes };
}

describe('Storage faults', () => {
  const dataDir = makeTempDir('eposd-faults-tmpfs-');
  // FAULTS_NO_MOUNT=1 runs the database-layer variant even where a tmpfs could be mounted.
  const mounted = process.env.FAULTS_NO_MOUNT !== '1' && tryMount(dataDir);
  afterAll(async () => {
    // Lazily, in case a failed test left eposd running on it; then the directory can go.
    if (mounted) execFileSync('umount', ['-l', dataDir]);
    await cleanupEposd();
  });

  (mounted ? it : it.skip)('When the disk of the database is full, then payments answer 503 with no UTI and change nothing, reads work, and it recovers by itself (real tmpfs)', async () => {
    // The simulated host's record lives off the full disk, as the acquirer's does.
    const journal = join(makeTempDir('eposd-faults-host-'), 'host.jsonl');
    const device: Device = await startDevice({ ...MANUAL_SIMULATOR_ENV, EPOSD_CARD_TIMEOUT_MS: String(CARD_TIMEOUT_MS), EPOSD_LOG_LEVEL: 'warn', EPOSD_SIM_HOST_JOURNAL: journal }, { dataDir });
    const token = await pairRegister(device.eposd, { registerId: 'till-disk' });
    const api: Client = apiClient(device.eposd, token);
    const disk = statfsSync(dataDir);
    const presented: number[] = [];
    /** A sale with a card presented at once: the POST's answer, and the final status read back (when accepted). */
    const pay = async (uti?: string) => {
      const res = await api.call<AnyAnswer>('/transaction?disablePrinting=true', { method: 'POST', body: { transType: 'SALE', amountTrans: 1000, ...(uti ? { uti } : {}) } });
      if (res.status !== 200) return { ...res, final: undefined };
      presented.push((await screenAction(device.eposd, { action: 'presentCard', card: 'visa-contactless' })).status);
      return { ...res, final: (await api.call<AnyAnswer>(`/transaction?uti=${res.body.uti!}&wait=10`)).body.status };
    };
    const first = await pay();
    const before = readDb(dataDir, dbSnapshot);

    const filler = fillDisk(dataDir);
    const refused = [await pay(), await pay('client-chosen-on-full-disk'), await pay()];
    const afterRefusals = readDb(dataDir, dbSnapshot);
    // Reads while the disk is full.
    const reads = [await api.call<AnyAnswer>(`/transaction?uti=${first.body.uti!}`), await api.call('/transactions?limit=5'), await api.call('/settlement'), await api.call('/health')];
    // A payment already waiting for a card when the disk fills: its next step cannot be committed.
    rmSync(filler.file);
    const waiting = await api.call<AnyAnswer>('/transaction?disablePrinting=true', { method: 'POST', body: { transType: 'SALE', amountTrans: 2000 } });
    if (waiting.status !== 200) throw new Error(`the payment to be caught by the full disk answered ${waiting.status}: ${waiting.text}`);
    const filler2 = fillDisk(dataDir);
    await screenAction(device.eposd, { action: 'presentCard', card: 'visa-contactless' });
    await sleep(2_500); // the engine retries its commit every second
    const stuck = await api.call<AnyAnswer>(`/transaction?uti=${waiting.body.uti!}`);
    rmSync(filler2.file);
    const t0 = performance.now();
    const waitingFinal = await api.call<AnyAnswer>(`/transaction?uti=${waiting.body.uti!}&wait=20`, { timeoutMs: 30_000 });
    const waitingMs = performance.now() - t0;

    // Space again: the terminal takes payments again by itself.
    let recovered = await pay();
    for (let i = 0; i < 50 && recovered.status === 409; i++) {
      await sleep(100);
      recovered = await pay();
    }
    api.close();
    const exitCode = await device.eposd.stop();

    const hostMessages = existsSync(journal)
      ? readFileSync(journal, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { message: string; uti: string })
      : [];
    const askedAbout = (uti: string) => hostMessages.filter((m) => m.uti === uti).map((m) => m.message);

    const integrity = integrityCheck(dataDir);
    const inProgress = readDb(dataDir, (db) => db.prepare(`SELECT count(*) FROM transactions WHERE status = 'IN_PROGRESS'`).pluck().get());
    figures('9 storage faults (tmpfs)', {
      fileSystemMiB: ((disk.blocks * disk.bsize) / 2 ** 20).toFixed(2),
      fillerMiB: (filler.bytes / 2 ** 20).toFixed(2),
      postsOnFullDisk: refused.map((r) => `${r.status}_${r.body?.code}`),
      utisGiven: refused.filter((r) => r.body?.uti !== undefined).length,
      dbChanged: JSON.stringify(before) !== JSON.stringify(afterRefusals),
      readsOnFullDisk: reads.map((r) => r.status),
      paymentCaughtByFullDisk: `${stuck.status}_${stuck.body.stage ?? stuck.body.status}->${waitingFinal.body.status}_${waitingFinal.body.statusReason}_in_${Math.round(waitingMs)}ms`,
      itsHostMessages: askedAbout(waiting.body.uti!).length,
      afterSpaceReturned: `${recovered.status}_${recovered.final}`,
      hostMessages: tally(hostMessages.map((m) => m.message)),
      inProgress,
      integrity,
      cardsPresented: tally(presented),
      exitCode,
    });
    for (const r of refused) {
      expect([r.status, r.body.code]).toEqual([503, 'STORAGE_UNAVAILABLE']);
      expect(r.body.uti).toBeUndefined();
    }
    expect(afterRefusals).toEqual(before);
    expect(reads.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(bodyOf<AnyAnswer>(reads[0]!).status).toBe('APPROVED');
    // The payment caught by the full disk: its move to READING_CARD could not be committed, so it was
    // still waiting for a card; the read that followed was refused by the guard, and once space was
    // back it ended FAILED / CARD_READ_ERROR within the card timeout, never having reached the host.
    expect([stuck.status, stuck.body.stage]).toEqual([202, 'AWAITING_CARD']);
    expect([waitingFinal.status, waitingFinal.body.status, waitingFinal.body.statusReason, waitingFinal.body.transApproved]).toEqual([200, 'FAILED', 'CARD_READ_ERROR', false]);
    expect(waitingMs).toBeLessThan(CARD_TIMEOUT_MS + 2000);
    expect(askedAbout(waiting.body.uti!)).toEqual([]);
    expect(presented).toEqual([200, 200]);
    expect([first.status, first.final, recovered.status, recovered.final]).toEqual([200, 'APPROVED', 200, 'APPROVED']);
    expect([askedAbout(first.body.uti!), askedAbout(recovered.body.uti!)]).toEqual([['authorization'], ['authorization']]);
    expect(hostMessages).toHaveLength(2);
    expect(integrity).toBe('ok');
    expect(inProgress).toBe(0);
    expect(exitCode).toBe(0);
  });

  (mounted ? it.skip : it)('When the database refuses every write, then payments answer 503 with no UTI and change nothing, reads work, and it recovers by itself (database layer)', async () => {
    const { ctx } = testContext({ env: MANUAL_SIMULATOR_ENV });
    const app = createApp(ctx);
    const token = await pairPos(app, ctx);
    const post = () => request(app).post(TX_PATH).set('Authorization', token).send({ transType: 'SALE', amountTrans: 1000 });
    const before = dbSnapshot(ctx.db);
    ctx.db.pragma('query_only = ON');
    const refused = await post();
    const read = await request(app).get('/payntpos/1.0.0/transactions').set('Authorization', token);
    const afterRefusal = dbSnapshot(ctx.db);
    ctx.db.pragma('query_only = OFF');
    const recovered = await post();
    ctx.engine.cancel(bodyOf<AnyAnswer>(recovered).uti!, 'POS_CANCELLED');
    ctx.destroy();
    figures('9 storage faults (query_only)', {
      post: `${refused.status}_${bodyOf<AnyAnswer>(refused).code}`,
      utiGiven: bodyOf<AnyAnswer>(refused).uti !== undefined,
      dbChanged: !isDeepStrictEqual(afterRefusal, before),
      read: read.status,
      recovered: recovered.status,
    });
    expect([refused.status, bodyOf<AnyAnswer>(refused).code, bodyOf<AnyAnswer>(refused).uti]).toEqual([503, 'STORAGE_UNAVAILABLE', undefined]);
    expect(afterRefusal).toEqual(before);
    expect(read.status).toBe(200);
    expect(recovered.status).toBe(200);
  });
});
