import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupEposd, runEposd, startEposd } from '../helpers/process';
import { httpsJson } from '../helpers/http';
import { type ScreenState } from '../helpers/bodies';

describe('When eposd is told to stop', () => {
  afterAll(cleanupEposd);

  it.each(['SIGTERM', 'SIGINT'] as const)('then on %s it exits 0, refuses new connections and leaves the database closed cleanly', async (signal) => {
    const eposd = await startEposd();
    const code = (await httpsJson<ScreenState>(`${eposd.screenUrl}screen`)).body.pairingCode!;
    expect((await httpsJson(`${eposd.apiUrl}/pair?pairingCode=${code}&registerId=till-1`)).status).toBe(200);

    eposd.kill(signal);
    expect(await eposd.waitForExit()).toEqual({ code: 0, signal: null });
    await expect(httpsJson(`${eposd.apiUrl}/health`, { timeoutMs: 5000 })).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    const file = join(eposd.dataDir, 'eposd.db');
    expect(existsSync(`${file}-wal`)).toBe(false);
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare(`SELECT register_id FROM registers`).pluck().all()).toEqual(['till-1']);
    } finally {
      db.close();
    }
  });

  it('then its logs, on standard error, are JSON lines that end with "stopped"', async () => {
    const eposd = await startEposd();
    expect(await eposd.stop()).toBe(0);
    const logs = eposd.stderr().map((l) => JSON.parse(l) as { msg: string; name: string });
    expect(logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['stopping', 'stopped']));
    expect(logs.at(-1)).toMatchObject({ name: 'eposd', msg: 'stopped' });
  });
});

describe('When eposd is told to stop the moment it is ready', () => {
  afterAll(cleanupEposd);

  // main.ts installs its signal handlers before it starts, so a SIGTERM sent as soon as the line
  // appears (or earlier) stops it cleanly.
  it('then SIGTERM still exits 0', async () => {
    for (let i = 0; i < 6; i++) {
      const run = await runEposd({ signalOnReady: 'SIGTERM' });
      expect(run.stdout.some((l) => l.startsWith('eposd ready'))).toBe(true);
      expect({ code: run.code, signal: run.signal }).toEqual({ code: 0, signal: null });
    }
    // Six starts of eposd, each making its certificate: on a loaded machine that is more than the default.
  }, 120_000);
});
