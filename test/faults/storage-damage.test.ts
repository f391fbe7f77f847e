import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/open';
import { MARK_FILE, WITNESS_FILE } from '../../src/witness/witness';
import { ManualClock } from '../../src/shared/clock';
import type { Monotonic } from '../../src/transactions/clock-guard';
import { testContext } from '../helpers/context';
import { damagePage, leafPages, pokeFromOutside, seedTransactions } from '../helpers/damage';
import { INSTANT_SIMULATOR_ENV, MANUAL_SIMULATOR_ENV } from '../helpers/payments';
import { cleanupEposd, MAIN, makeTempDir, runEposd } from '../helpers/process';
import type { Client } from './helpers/client';
import { apiClient, dbFile, pairRegister, readDb, screenAction, screenState, startDevice, type Device } from './helpers/device';
import { figures, median, sleep } from './helpers/figures';
import type { AnyAnswer } from '../helpers/bodies';

// Issue "storage hardening" §2, §4, §5, §7: a damaged database (at start and while running), a key or a
// database file that is empty or gone, and a wall clock that jumps. The real process, as a technician
// would meet each one.

const DAY_MS = 86_400_000;
const ENV = { ...MANUAL_SIMULATOR_ENV, EPOSD_LOG_LEVEL: 'warn' };

/** Stops the device and adds `rows` earlier sales to its data; answers their UTIs, the first leaf of the table and how many rows it then holds. */
async function seed(device: Device, rows: number): Promise<{ utis: string[]; leaf: number; rowsFound: number }> {
  expect(await device.eposd.stop()).toBe(0);
  const db = new Database(dbFile(device.dataDir));
  const utis = seedTransactions(db, rows, Date.now() - 3_600_000);
  const leaf = leafPages(db, 'transactions')[0]!;
  const rowsFound = db.prepare('SELECT count(*) FROM transactions').pluck().get() as number;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { utis, leaf, rowsFound };
}

/** The check after the start (quick_check in a worker, then every seal), as diagnostics report it once it has finished. */
async function checkAfterStart(api: Client): Promise<{ kind: string; result: string; ms: number; at: string } | undefined> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(50)) {
    const check = (await api.call<AnyAnswer>('/diagnostics')).body.database?.storage?.lastCheck as { kind: string; result: string; ms: number; at: string } | null | undefined;
    if (check?.kind.includes('after start')) return check;
  }
  return undefined;
}

async function restartTimed(device: Device, times = 3): Promise<number> {
  for (let i = 0; i < times; i++) {
    await device.restart();
    if (i < times - 1) expect(await device.eposd.stop()).toBe(0);
  }
  return Math.round(median(device.startTimes.slice(-times)));
}

describe('Storage damage', () => {
  afterAll(cleanupEposd);

  it('When a leaf page of transactions is damaged, then the start notices it, no payment is taken, reads of sound pages work, and recover --install brings it back', async () => {
    const device = await startDevice(ENV);
    // The POS paired while the database was sound (a damaged one pairs no POS).
    const token = await pairRegister(device.eposd, { registerId: 'till-1' });
    const { utis, leaf, rowsFound } = await seed(device, 400);
    const soundStartMs = await restartTimed(device);
    expect(await device.eposd.stop()).toBe(0);
    damagePage(dbFile(device.dataDir), leaf);
    const damagedStartMs = await restartTimed(device, 1);
    const tech = await pairRegister(device.eposd, { registerId: 'tech-1', role: 'technician' });
    const api = apiClient(device.eposd, token);
    const health = await api.call<AnyAnswer>('/health');
    const post = await api.call<AnyAnswer>('/transaction?disablePrinting=true', { method: 'POST', body: { transType: 'SALE', amountTrans: 1000 } });
    const survivor = await api.call<AnyAnswer>(`/transaction?uti=${utis[399]}`);
    const victim = await api.call<AnyAnswer>(`/transaction?uti=${utis[0]}`);
    const screen = await screenState(device.eposd);
    const diagnostics = await apiClient(device.eposd, tech).call<AnyAnswer>('/diagnostics');
    api.close();
    expect(await device.eposd.stop()).toBe(0);
    const logged = device.eposd.stderr().find((l) => l.includes('is damaged'));

    const recover = execFileSync(process.execPath, [join(MAIN, '..', 'db', 'recover.js'), '--data-dir', device.dataDir, '--install'], { encoding: 'utf8' });
    await device.restart();
    const after = apiClient(device.eposd, token);
    const healthAfter = await after.call<AnyAnswer>('/health');
    const payAfter = await after.call<AnyAnswer>('/transaction?disablePrinting=true', { method: 'POST', body: { transType: 'SALE', amountTrans: 1000 } });
    await after.call<AnyAnswer>(`/transaction?uti=${payAfter.body.uti}`, { method: 'DELETE' });
    after.close();
    expect(await device.eposd.stop()).toBe(0);

    figures('storage damage at start', {
      rows: rowsFound,
      warmStartSoundMs: soundStartMs,
      warmStartDamagedMs: damagedStartMs,
      startCheck: `${diagnostics.body.database?.storage?.lastCheck?.kind} ${diagnostics.body.database?.storage?.lastCheck?.ms}ms on ${(statSync(dbFile(device.dataDir)).size / 2 ** 20).toFixed(2)}MiB`,
      health: `${health.body.status}_${(health.body.problems ?? []).join(',')}`,
      post: `${post.status}_${post.body.code}`,
      reads: `sound ${survivor.status}, damaged ${victim.status}_${victim.body.code}`,
      recovered: /transactions\s+(\d+) rows copied, (\d+) unreadable/.exec(recover)?.slice(1).join(' copied, ') + ' unreadable',
      afterRecovery: `${healthAfter.body.status} ${payAfter.status}`,
      files: readdirSync(device.dataDir)
        .map((f) => f.replace(/\d{8}T\d{6}Z/, '<time>'))
        .sort()
        .join(' '),
    });
    expect(health.body).toMatchObject({ status: 'DEGRADED', problems: ['STORAGE_CORRUPT'] });
    expect([post.status, post.body.code, post.body.uti]).toEqual([503, 'STORAGE_CORRUPT', undefined]);
    expect(survivor.body.status).toBe('APPROVED');
    expect([victim.status, victim.body.code]).toEqual([503, 'STORAGE_CORRUPT']);
    expect((screen.alerts as string[]).join()).toMatch(/database is damaged/);
    expect(diagnostics.body.database?.storage?.state).toBe('CORRUPT');
    expect(logged).toContain(dbFile(device.dataDir));
    expect(recover).toMatch(/integrity_check of the recovered database: ok/);
    expect(healthAfter.body.status).toBe('UP');
    expect(payAfter.status).toBe(200);
    expect(readdirSync(device.dataDir).some((f) => f.startsWith('eposd.db.damaged-'))).toBe(true);
  });

  it('When a large database is damaged, then the start is not slowed: the check runs just after, and payments stop once it has found the damage', async () => {
    const device = await startDevice(ENV);
    const tech = await pairRegister(device.eposd, { registerId: 'tech-1', role: 'technician' });
    const { leaf, rowsFound } = await seed(device, 20_000);
    const sizeMiB = statSync(dbFile(device.dataDir)).size / 2 ** 20;
    const soundStartMs = await restartTimed(device);
    // The last sound start: when its check after the start (quick_check, then every seal) finished, by the check's own stamp.
    const readyAt = Date.now();
    const soundCheck = await checkAfterStart(apiClient(device.eposd, tech));
    expect(await device.eposd.stop()).toBe(0);
    damagePage(dbFile(device.dataDir), leaf);
    await device.restart();
    const t0 = performance.now();
    const api = apiClient(device.eposd);
    let health = await api.call<AnyAnswer>('/health');
    while (health.body.status === 'UP' && performance.now() - t0 < 10_000) {
      await sleep(20);
      health = await api.call<AnyAnswer>('/health');
    }
    const detectedMs = Math.round(performance.now() - t0);
    api.close();
    expect(await device.eposd.stop()).toBe(0);
    figures('storage damage at start (large)', {
      rows: rowsFound,
      sizeMiB: sizeMiB.toFixed(1),
      warmStartSoundMs: soundStartMs,
      soundCheckAfterStart: soundCheck ? `${soundCheck.result} in ${soundCheck.ms} ms, finished ${Date.parse(soundCheck.at) - readyAt} ms after ready` : 'not finished in 30 s',
      warmStartDamagedMs: Math.round(device.startTimes.at(-1)!),
      detectedAfterReadyMs: detectedMs,
    });
    expect(sizeMiB).toBeGreaterThan(2);
    expect(soundCheck?.result).toBe('ok');
    expect(health.body.status).toBe('DEGRADED');
  });

  it('When a payment is taken before the check after the start finds a damaged record, then it ends and reads as any other, and from the finding on payments are refused', async () => {
    const device = await startDevice(ENV);
    const token = await pairRegister(device.eposd, { registerId: 'till-1' });
    const { utis, rowsFound } = await seed(device, 20_000);
    // The newest transaction's amount changed behind eposd's back: its seal no longer holds. The seals
    // are checked oldest first, after quick_check, so this one is found last.
    const db = new Database(dbFile(device.dataDir));
    db.prepare('UPDATE transactions SET amount = amount + 1 WHERE uti = ?').run(utis.at(-1));
    db.close();
    await device.restart();
    const readyAt = performance.now();
    const api = apiClient(device.eposd, token);
    const taken = await api.call<AnyAnswer>('/transaction?disablePrinting=true', { method: 'POST', body: { transType: 'SALE', amountTrans: 1000 } });
    const healthWhenTaken = await api.call<AnyAnswer>('/health');
    let health = healthWhenTaken;
    while (health.body.status === 'UP' && performance.now() - readyAt < 30_000) {
      await sleep(20);
      health = await api.call<AnyAnswer>('/health');
    }
    const foundAfterReadyMs = Math.round(performance.now() - readyAt);
    const presented = await screenAction(device.eposd, { action: 'presentCard', card: 'visa-contactless' });
    const final = taken.status === 200 ? await api.call<AnyAnswer>(`/transaction?uti=${taken.body.uti}&wait=10`) : undefined;
    const next = await api.call<AnyAnswer>('/transaction?disablePrinting=true', { method: 'POST', body: { transType: 'SALE', amountTrans: 1000 } });
    api.close();
    const exitCode = await device.eposd.stop();
    const row = taken.status === 200 ? readDb(device.dataDir, (d) => d.prepare('SELECT status FROM transactions WHERE uti = ?').pluck().get(taken.body.uti)) : undefined;
    figures('payment taken before the check after the start found damage', {
      rows: rowsFound,
      taken: `${taken.status} with /health ${healthWhenTaken.body.status}`,
      damageFoundAfterReadyMs: foundAfterReadyMs,
      health: `${health.body.status}_${(health.body.problems ?? []).join(',')}`,
      cardPresented: presented.status,
      thatPayment: `${final?.status}_${final?.body.status} row ${String(row)}`,
      nextPayment: `${next.status}_${next.body.code}`,
      exitCode,
    });
    expect([taken.status, healthWhenTaken.body.status]).toEqual([200, 'UP']);
    expect(health.body).toMatchObject({ status: 'DEGRADED', problems: ['STORAGE_CORRUPT'] });
    expect(presented.status).toBe(200);
    expect([final?.status, final?.body.status, row]).toEqual([200, 'APPROVED', 'APPROVED']);
    expect([next.status, next.body.code]).toEqual([503, 'STORAGE_CORRUPT']);
    expect(exitCode).toBe(0);
  });

  it('When a page is damaged while the terminal runs, then the first read that meets it takes the terminal out of service', async () => {
    const device = await startDevice(ENV);
    const { utis, leaf } = await seed(device, 400);
    await device.restart();
    const token = await pairRegister(device.eposd, { registerId: 'till-1' });
    const api = apiClient(device.eposd, token);
    const before = await api.call<AnyAnswer>('/health');
    const db = new Database(dbFile(device.dataDir));
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    damagePage(dbFile(device.dataDir), leaf);
    pokeFromOutside(dbFile(device.dataDir));
    const victim = await api.call<AnyAnswer>(`/transaction?uti=${utis[0]}`);
    const health = await api.call<AnyAnswer>('/health');
    const post = await api.call<AnyAnswer>('/transaction?disablePrinting=true', { method: 'POST', body: { transType: 'SALE', amountTrans: 1000 } });
    const survivor = await api.call<AnyAnswer>(`/transaction?uti=${utis[399]}`);
    api.close();
    expect(await device.eposd.stop()).toBe(0);
    figures('storage damage at run time', {
      before: before.body.status,
      read: `${victim.status}_${victim.body.code}`,
      health: health.body.status,
      post: `${post.status}_${post.body.code}`,
      soundRead: survivor.status,
    });
    expect(before.body.status).toBe('UP');
    expect([victim.status, victim.body.code]).toEqual([503, 'STORAGE_CORRUPT']);
    expect(health.body.status).toBe('DEGRADED');
    expect([post.status, post.body.code]).toEqual([503, 'STORAGE_CORRUPT']);
    expect(survivor.status).toBe(200);
  });

  it('When key.pem is empty or deleted while a POS is paired, then the start is refused naming the file; when eposd.db is emptied, the witness keeps the terminal out of service with its TID; EPOSD_ACCEPT_NEW_IDENTITY=true is the deliberate way on', async () => {
    const device = await startDevice(ENV);
    const token = await pairRegister(device.eposd, { registerId: 'till-1' });
    const { fingerprint, tid } = device.eposd;
    expect(await device.eposd.stop()).toBe(0);
    const keyFile = join(device.certDir, 'key.pem');
    const certFile = join(device.certDir, 'cert.pem');
    const run = () => runEposd({ dataDir: device.dataDir, certDir: device.certDir, env: ENV });

    writeFileSync(certFile, 'garbage');
    const damagedCert = await device.restart();
    expect(await damagedCert.stop()).toBe(0);

    const saved = execFileSync('cat', [keyFile]);
    writeFileSync(keyFile, '');
    const emptyKey = await run();
    rmSync(keyFile);
    const deletedKey = await run();
    writeFileSync(keyFile, saved);
    const emptyTheDatabase = () => {
      writeFileSync(dbFile(device.dataDir), '');
      rmSync(`${dbFile(device.dataDir)}-wal`, { force: true });
      rmSync(`${dbFile(device.dataDir)}-shm`, { force: true });
    };
    // Its storage witness (beside the key) says the database held this terminal's records: out of service, TID and pairing kept.
    emptyTheDatabase();
    const emptied = await device.restart();
    const emptiedApi = apiClient(emptied, token);
    const emptiedHealth = await emptiedApi.call<AnyAnswer>('/health');
    const emptiedPost = await emptiedApi.call<AnyAnswer>('/transaction?disablePrinting=true', { method: 'POST', body: { transType: 'SALE', amountTrans: 1000 } });
    emptiedApi.close();
    expect(await emptied.stop()).toBe(0);
    const accepted = await device.restart({ ...ENV, EPOSD_ACCEPT_NEW_IDENTITY: 'true', EPOSD_LOG_LEVEL: 'warn' });
    const acceptedScreen = await screenState(accepted);
    expect(await accepted.stop()).toBe(0);
    // Without a witness (a terminal that never ran an eposd that keeps one), an empty database is refused.
    rmSync(join(device.certDir, WITNESS_FILE));
    rmSync(join(device.certDir, MARK_FILE), { force: true });
    emptyTheDatabase();
    const emptyDb = await run();

    const firstLine = (r: { stderr: string[] }) => r.stderr.find((l) => l.startsWith('eposd: could not start'))?.replace(/\/tmp\/[^ ]+\//g, '…/') ?? '';
    figures('identity faults', {
      damagedCert: damagedCert.fingerprint === fingerprint ? 'reissued, same fingerprint' : 'NEW FINGERPRINT',
      emptyKey: `exit ${emptyKey.code}: ${firstLine(emptyKey).slice(0, 90)}`,
      deletedKeyWhilePaired: `exit ${deletedKey.code}: ${firstLine(deletedKey).slice(0, 110)}`,
      emptyDbWitnessed: `tid ${emptied.tid === tid ? 'same' : 'NEW'}, health ${emptiedHealth.body.status}, post ${emptiedPost.status} ${String(emptiedPost.body.code)}`,
      acceptedEmptyDb: `tid ${accepted.tid === tid ? 'same' : 'new'}, alert "${String((acceptedScreen.alerts as string[])?.[0]).slice(0, 60)}…"`,
      emptyDbWithoutWitness: `exit ${emptyDb.code}: ${firstLine(emptyDb).slice(0, 90)}`,
    });
    expect([emptied.tid, emptiedHealth.body.status, emptiedPost.status, emptiedPost.body.code]).toEqual([tid, 'DEGRADED', 503, 'STORAGE_CORRUPT']);
    expect(emptied.stderr().join('\n')).toMatch(/is empty, but this terminal \(TID \d{8}\) kept its records there/);
    expect(damagedCert.fingerprint).toBe(fingerprint);
    expect(damagedCert.stderr().join('\n')).toMatch(/cert\.pem was damaged/);
    for (const [r, file, what] of [
      [emptyKey, keyFile, 'is empty'],
      [deletedKey, keyFile, 'is missing. 1 register\\(s\\) are paired'],
      [emptyDb, dbFile(device.dataDir), 'is empty'],
    ] as const) {
      expect(r.code).toBe(1);
      expect(r.stderr.join('\n')).toMatch(new RegExp(`could not start: ${file}: ${what}.*EPOSD_ACCEPT_NEW_IDENTITY=true`));
      expect(r.stdout.some((l) => l.startsWith('eposd ready'))).toBe(false);
    }
    expect(accepted.fingerprint).toBe(fingerprint);
    expect(accepted.tid).not.toBe(tid);
    expect(accepted.stdout().some((l) => /^\[screen\] .*ALERT: .*eposd\.db was set aside as .* and the terminal started as a new one/.test(l))).toBe(true);
    expect(accepted.stderr().join('\n')).toMatch(/was set aside as/);
    expect(readdirSync(device.dataDir).some((f) => f.startsWith('eposd.db.damaged-'))).toBe(true);
  });

  it('When eposd is restarted with the clock 93 days ahead, then nothing is purged and a client UTI used minutes before stays taken', async () => {
    const file = join(makeTempDir('eposd-clock-'), 'eposd.db');
    const mono: Monotonic & { now: number } = { now: 1e6, nowMs: () => mono.now, bootId: () => 'boot', uptimeMs: () => 3_600_000 };
    const start = Date.parse('2026-01-10T12:00:00Z');
    const seedDb = openDatabase(file);
    seedTransactions(seedDb, 1000, start - 80 * DAY_MS, 'old');
    seedTransactions(seedDb, 1, start - 3_600_000, 'recent');
    seedDb.close();
    const first = testContext({ env: INSTANT_SIMULATOR_ENV, db: openDatabase(file), clock: new ManualClock(new Date(start)), monotonic: mono });
    first.ctx.start();
    first.ctx.transactions.start({ transType: 'SALE', amountTrans: 1000, uti: 'pos-uti-minutes-ago' }, 'till-1', true);
    first.ctx.engine.cancel('pos-uti-minutes-ago', 'POS_CANCELLED');
    first.ctx.destroy();
    mono.now += 5 * 60_000;
    const second = testContext({ env: INSTANT_SIMULATOR_ENV, db: openDatabase(file), clock: new ManualClock(new Date(start + 93 * DAY_MS)), monotonic: mono });
    second.ctx.start();
    const rows = second.ctx.db.prepare('SELECT count(*) FROM transactions').pluck().get() as number;
    const purged = await second.ctx.retention.purge();
    let reuse = 'accepted';
    try {
      second.ctx.transactions.start({ transType: 'SALE', amountTrans: 999, uti: 'pos-uti-minutes-ago' }, 'till-1', true);
    } catch (err) {
      reuse = String((err as { code?: string }).code);
    }
    const rowsLeft = () => second.ctx.db.prepare('SELECT count(*) FROM transactions').pluck().get() as number;
    const left = rowsLeft();
    const jumpDays = (second.ctx.clockGuard.reading()!.jumpMs / DAY_MS).toFixed(2);
    // Then real time passes: retention counts the running time since the rows' first mark (their wall
    // clock dates said 80 days old, which nothing on the terminal can vouch for).
    mono.now += 91 * DAY_MS;
    await second.ctx.retention.purge();
    const after91Days = left - rowsLeft();
    mono.now += 2 * DAY_MS;
    await second.ctx.retention.purge();
    const leftAtEnd = rowsLeft();
    const after93Days = left - leftAtEnd;
    second.ctx.destroy();
    figures('clock jump', {
      rows,
      jumpDetectedDays: jumpDays,
      purgedAfterJump: purged,
      kept: left,
      reuseOfUti: reuse,
      purgedAfter91DaysRunning: after91Days,
      purgedAfter93DaysRunning: after93Days,
      leftAtEnd,
    });
    expect(rows).toBe(1002);
    expect([purged, left, reuse]).toEqual([0, rows, 'UTI_CONFLICT']);
    expect([after91Days, after93Days, leftAtEnd]).toEqual([0, rows, 0]);
  });
});
