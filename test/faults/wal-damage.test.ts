import { existsSync, readFileSync } from 'node:fs';
import { flipBit } from '../helpers/damage';
import { cleanupEposd } from '../helpers/process';
import type { AnyAnswer } from '../helpers/bodies';
import { apiClient, dbFile, pairRegister, screenState, startDevice, type Device } from './helpers/device';
import { figures } from './helpers/figures';

// Issue 26 item 1, as the attacker's probe found it: one bit flipped in eposd.db-wal after a kill -9.
// SQLite replayed the log up to the damaged frame and dropped the rest: the last sales answered 404 with
// /health UP, and a flip in the first frame brought the terminal back as a new one (new TID, no history,
// no pairings, a pairing window open), without a word.

const ENV = { EPOSD_SIM_CARD_DELAY_MS: '0', EPOSD_SIM_AUTH_DELAY_MS: '0', EPOSD_LOG_LEVEL: 'warn' };

interface Paid {
  device: Device;
  pos: string;
  tech: string;
  utis: string[];
  outcomes: Map<string, string>;
}

/** `n` approved sales with client-chosen UTIs, each read to its outcome, then a kill -9. */
async function payThenKill(n: number): Promise<Paid> {
  const device = await startDevice(ENV);
  const pos = await pairRegister(device.eposd, { registerId: 'till-1' });
  const tech = await pairRegister(device.eposd, { registerId: 'tech-1', role: 'technician' });
  const api = apiClient(device.eposd, pos);
  const utis: string[] = [];
  const outcomes = new Map<string, string>();
  for (let i = 0; i < n; i++) {
    const uti = `wal-sale-${i}-${'x'.repeat(20)}`;
    expect((await api.call('/transaction?disablePrinting=true', { method: 'POST', body: { transType: 'SALE', amountTrans: 1000 + i * 100, uti } })).status).toBe(200);
    outcomes.set(uti, JSON.stringify((await api.call<AnyAnswer>(`/transaction?uti=${uti}&wait=10`)).body));
    utis.push(uti);
  }
  api.close();
  device.eposd.kill('SIGKILL');
  await device.eposd.waitForExit();
  return { device, pos, tech, utis, outcomes };
}

/** The first frame of the log whose page holds `text`: the commit that first wrote it. */
function frameHolding(file: string, text: string): number {
  const at = readFileSync(file).indexOf(text);
  if (at < 0) throw new Error(`${text} is not in ${file}`);
  return Math.floor((at - 32) / (24 + 4096));
}

async function afterRestart(paid: Paid) {
  const { device, pos, tech } = paid;
  const tid = device.eposd.tid;
  const eposd = await device.restart();
  const api = apiClient(eposd, pos);
  const health = await api.call<AnyAnswer>('/health');
  const post = await api.call<AnyAnswer>('/transaction?disablePrinting=true', { method: 'POST', body: { transType: 'SALE', amountTrans: 500 } });
  const reads = new Map<string, string>();
  for (const uti of paid.utis) {
    const r = await api.call<AnyAnswer>(`/transaction?uti=${uti}`);
    reads.set(uti, r.status === 200 ? (JSON.stringify(r.body) === paid.outcomes.get(uti) ? 'intact' : 'CHANGED') : `${r.status} ${String(r.body.code)}`);
  }
  const diagnostics = await apiClient(eposd, tech).call<AnyAnswer>('/diagnostics');
  const screen = await screenState(eposd);
  api.close();
  const walBefore = readFileSync(`${dbFile(device.dataDir)}-wal`);
  const exitCode = await eposd.stop();
  return {
    exitCode,
    tidKept: eposd.tid === tid,
    health: health.body,
    post: `${post.status} ${String(post.body.code)}`,
    reads: [...reads.values()],
    storage: diagnostics.body.database?.storage?.state,
    screenAlert: ((screen.alerts as string[] | undefined) ?? []).join(' '),
    pairingWindow: screen.pairingCode !== undefined,
    logged: eposd.stderr().find((l) => l.includes('is damaged')) ?? '',
    walKept: existsSync(`${dbFile(device.dataDir)}-wal`) && readFileSync(`${dbFile(device.dataDir)}-wal`).equals(walBefore),
  };
}

describe('A damaged write-ahead log', () => {
  afterAll(cleanupEposd);

  it('When one byte of the frame holding the 4th of 5 sales is damaged, then eposd refuses payments, says so everywhere, and never answers 404 for an acknowledged sale', async () => {
    const paid = await payThenKill(5);
    const wal = `${dbFile(paid.device.dataDir)}-wal`;
    const frame = frameHolding(wal, paid.utis[3]!);
    flipBit(wal, 32 + frame * (24 + 4096) + 24 + 2000, 4);
    const after = await afterRestart(paid);
    figures('wal damage: 4th of 5 sales', {
      frame,
      ...after,
      health: `${after.health.status} ${(after.health.problems ?? []).join()}`,
      reads: after.reads.join(','),
      logged: after.logged.slice(0, 80),
    });
    expect(after.exitCode).toBe(0);
    expect(after.tidKept).toBe(true);
    expect(after.health).toMatchObject({ status: 'DEGRADED', problems: ['STORAGE_CORRUPT'] });
    expect(after.post).toBe('503 STORAGE_CORRUPT');
    expect(after.reads.slice(0, 3)).toEqual(['intact', 'intact', 'intact']);
    expect(after.reads.slice(3)).toEqual(['503 STORAGE_CORRUPT', '503 STORAGE_CORRUPT']);
    expect(after.storage).toBe('CORRUPT');
    expect(after.screenAlert).toMatch(/database is damaged/);
    expect(after.logged).toMatch(/frame \d+ of the write-ahead log is damaged/);
    expect(after.walKept).toBe(true);
  });

  it('When the first frame is damaged after 3 sales, then the terminal keeps its TID and pairings, opens no pairing window, and refuses payments', async () => {
    const paid = await payThenKill(3);
    flipBit(`${dbFile(paid.device.dataDir)}-wal`, 32 + 24 + 100, 0);
    const after = await afterRestart(paid);
    figures('wal damage: first frame after 3 sales', {
      ...after,
      health: `${after.health.status} ${(after.health.problems ?? []).join()}`,
      reads: after.reads.join(','),
      logged: after.logged.slice(0, 80),
    });
    expect(after.exitCode).toBe(0);
    expect(after.tidKept).toBe(true);
    expect(after.pairingWindow).toBe(false);
    expect(after.health).toMatchObject({ status: 'DEGRADED', problems: ['STORAGE_CORRUPT'] });
    expect(after.post).toBe('503 STORAGE_CORRUPT');
    // The POS's token still works (a 401 would say the pairing is gone); none of its sales reads as unknown.
    expect(after.reads).toEqual(['503 STORAGE_CORRUPT', '503 STORAGE_CORRUPT', '503 STORAGE_CORRUPT']);
    expect(after.storage).toBe('CORRUPT');
    expect(after.walKept).toBe(true);
  });
});
