import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config';
import { startServer } from '../../src/server';
import type { AnyAnswer } from '../helpers/bodies';
import { flipBit } from '../helpers/damage';
import { capturingLogger } from '../helpers/payments';
import { cleanupEposd, makeTempDir } from '../helpers/process';
import { Client } from './helpers/client';
import { apiClient, dbFile, FAULTS_ENV, pairRegister, startDevice } from './helpers/device';
import { figures, sleep, tally } from './helpers/figures';
import { dbPositions, walPositions, type Position } from './helpers/flip-positions';
import { scaled } from './helpers/scale';

// Issue 26 item 1, the bit-flip sweep. The real process takes 1, 3, 9 and 100 payments and is killed
// with SIGKILL; then, on a copy of what it left each time, one bit is flipped at one position of the log
// or of the main file, and eposd is started on it (in this process: the same start as `node
// dist/main.js`, without the process, so that thousands of starts fit). After each start either every
// acknowledged UTI reads exactly as the POS saw it (intact), or eposd refuses payments with
// STORAGE_CORRUPT, says so on /health, the screen and the log, kept its TID and the POS's pairing, and
// answers each acknowledged UTI as it was or with STORAGE_CORRUPT, never 404 nor another answer
// (detected). Anything else is silently lost, and must never happen.

const PAYMENTS = [1, 3, 9, 100];
const WAL = scaled({ headerBytes: 4, frames: 12, pageEvery: 3 }, { headerBytes: 32, frames: Infinity, pageEvery: 2 });
const DB = scaled({ headerBytes: 4, pages: 6, perPage: 1 }, { headerBytes: 25, pages: Infinity, perPage: 3 });
// Approved, declined, approved with a PIN (above 50.00), declined after a PIN.
const AMOUNTS = [1000, 1005, 6000, 6055];

interface Snapshot {
  dir: string;
  pos: string;
  tid: string;
  outcomes: Map<string, string>;
}

/** The real process: `n` payments, each read to its outcome, a pause now and then (the idle checkpoints run), then kill -9. */
async function payThenKill(n: number): Promise<Snapshot> {
  const device = await startDevice({ EPOSD_SIM_MODE: 'auto' });
  const pos = await pairRegister(device.eposd, { registerId: 'till-1' });
  const api = apiClient(device.eposd, pos);
  const outcomes = new Map<string, string>();
  for (let i = 0; i < n; i++) {
    const uti = `flip-${n}-${i}-${'x'.repeat(16)}`;
    const ack = await api.call('/transaction?disablePrinting=true', { method: 'POST', body: { transType: 'SALE', amountTrans: AMOUNTS[i % AMOUNTS.length], uti } });
    if (ack.status !== 200) throw new Error(`payment ${i} answered ${ack.status}`);
    outcomes.set(uti, JSON.stringify((await api.call<AnyAnswer>(`/transaction?uti=${uti}&wait=20`)).body));
    if (i % 10 === 9) await sleep(300);
  }
  api.close();
  device.eposd.kill('SIGKILL');
  await device.eposd.waitForExit();
  const dir = makeTempDir('eposd-flip-snapshot-');
  cpSync(device.dataDir, join(dir, 'data'), { recursive: true });
  cpSync(device.certDir, join(dir, 'certs'), { recursive: true });
  return { dir, pos, tid: device.eposd.tid, outcomes };
}

type Verdict = { kind: 'intact' | 'detected' } | { kind: 'lost'; why: string };

/** eposd started on a copy of the snapshot with one bit flipped, judged as the POS and the technician would. */
async function startFlipped(snap: Snapshot, p: Position): Promise<Verdict> {
  const work = makeTempDir('eposd-flip-');
  cpSync(snap.dir, work, { recursive: true });
  const file = dbFile(join(work, 'data'));
  flipBit(p.file === 'wal' ? `${file}-wal` : file, p.offset, p.bit);
  const damaged = { db: readFileSync(file), wal: readFileSync(`${file}-wal`, { flag: 'a+' }) };
  const captured = capturingLogger('warn');
  const screen: string[] = [];
  const env = { ...FAULTS_ENV, EPOSD_DATA_DIR: join(work, 'data'), EPOSD_CERT_DIR: join(work, 'certs'), EPOSD_PORT: '0', EPOSD_SCREEN_PORT: '0', EPOSD_HOST: '127.0.0.1' };
  let running;
  try {
    running = await startServer(loadConfig(env), { logger: captured.logger, screenOut: (l) => void screen.push(l), inProcessCertificate: true });
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    return { kind: 'lost', why: `the start failed: ${(err as Error).message.slice(0, 160)}` };
  }
  const api = new Client(running.ready.apiUrl, snap.pos);
  try {
    const health = await api.call<AnyAnswer>('/health');
    const degraded = health.body.status === 'DEGRADED' && (health.body.problems ?? []).includes('STORAGE_CORRUPT');
    const reads: string[] = [];
    for (const [uti, seen] of snap.outcomes) {
      const r = await api.call<AnyAnswer>(`/transaction?uti=${uti}`);
      if (r.status === 200 && r.text !== seen) reads.push(`${uti} answers another body`);
      else if (r.status !== 200 && !(degraded && r.status === 503 && r.body.code === 'STORAGE_CORRUPT')) reads.push(`${uti} answers ${r.status} ${String(r.body.code)}`);
    }
    if (running.ready.tid !== snap.tid) return { kind: 'lost', why: `the TID changed to ${running.ready.tid}` };
    if (!degraded) return reads.length === 0 ? { kind: 'intact' } : { kind: 'lost', why: `UP, but ${reads.slice(0, 2).join('; ')}` };
    if (reads.length > 0) return { kind: 'lost', why: `DEGRADED, but ${reads.slice(0, 2).join('; ')}` };
    const post = await api.call<AnyAnswer>('/transaction?disablePrinting=true', { method: 'POST', body: { transType: 'SALE', amountTrans: 1000 } });
    if (post.status !== 503 || post.body.code !== 'STORAGE_CORRUPT') return { kind: 'lost', why: `DEGRADED, but a payment answered ${post.status}` };
    if (!screen.some((l) => l.includes('ALERT: The database is damaged'))) return { kind: 'lost', why: 'DEGRADED, but the screen shows no alert' };
    if (!captured.lines.some((l) => l.level === 50 && String(l.msg).includes('is damaged'))) return { kind: 'lost', why: 'DEGRADED, but nothing logged' };
    return { kind: 'detected' };
  } finally {
    api.close();
    await running.stop();
    filesKept.set(p, readFileSync(file).equals(damaged.db) && readFileSync(`${file}-wal`, { flag: 'a+' }).equals(damaged.wal));
    rmSync(work, { recursive: true, force: true });
  }
}

/** Whether the files were as damaged after eposd stopped again: what the recovery tool then finds. */
const filesKept = new Map<Position, boolean>();

describe('Bit-flip sweep', () => {
  afterAll(cleanupEposd);

  it('When one bit of the log or of the database is flipped after a kill -9, then every acknowledged payment is intact, or eposd refuses payments with its storage error and keeps its TID', async () => {
    const verdicts: { n: number; p: Position; v: Verdict }[] = [];
    for (const n of PAYMENTS) {
      const snap = await payThenKill(n);
      const file = dbFile(join(snap.dir, 'data'));
      const positions = [...walPositions(`${file}-wal`, WAL), ...dbPositions(file, DB)];
      for (const p of positions) verdicts.push({ n, p, v: await startFlipped(snap, p) });
    }
    const lost = verdicts.filter((x) => x.v.kind === 'lost').map((x) => `${x.n} payments, ${x.p.file} ${x.p.part} byte ${x.p.offset} bit ${x.p.bit}: ${(x.v as { why: string }).why}`);
    const byFile = (f: Position['file']) => tally(verdicts.filter((x) => x.p.file === f).map((x) => x.v.kind));
    figures('bit-flip sweep', {
      positionsTried: verdicts.length,
      intact: verdicts.filter((x) => x.v.kind === 'intact').length,
      detected: verdicts.filter((x) => x.v.kind === 'detected').length,
      silentlyLost: lost.length,
      wal: byFile('wal'),
      db: byFile('db'),
      byPayments: Object.fromEntries(PAYMENTS.map((n) => [n, tally(verdicts.filter((x) => x.n === n).map((x) => x.v.kind))])),
      detectedWithFilesKept: `${verdicts.filter((x) => x.v.kind === 'detected' && filesKept.get(x.p)).length} of ${verdicts.filter((x) => x.v.kind === 'detected').length}`,
    });
    expect(lost).toEqual([]);
  });
});
