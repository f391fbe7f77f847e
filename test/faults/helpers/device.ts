import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { httpsJson } from '../../helpers/http';
import { makeTempDir, startEposd, type EposdProcess } from '../../helpers/process';
import { Client } from './client';

// The real eposd process as the fault tests drive it: started on fixed directories so that it can be
// killed and started again on the same data, paired through its screen, and looked at from outside.

/** Quiet logs (warnings and errors only) unless a test wants them, and a MID that no card-number search can mistake for a PAN. */
export const FAULTS_ENV: NodeJS.ProcessEnv = { EPOSD_LOG_LEVEL: 'warn', EPOSD_MID: '000000000000001', EPOSD_SIM_CARD_DELAY_MS: '0', EPOSD_SIM_AUTH_DELAY_MS: '0' };

export interface Device {
  eposd: EposdProcess;
  dataDir: string;
  certDir: string;
  /** Starts the process again on the same directories (after a kill or a stop), with `env` (default: the last one). */
  restart(env?: NodeJS.ProcessEnv): Promise<EposdProcess>;
  /** Milliseconds each start took until `eposd ready`. */
  startTimes: number[];
}

export async function startDevice(env: NodeJS.ProcessEnv, dirs: { dataDir?: string; certDir?: string } = {}): Promise<Device> {
  const dataDir = dirs.dataDir ?? makeTempDir('eposd-faults-data-');
  const certDir = dirs.certDir ?? makeTempDir('eposd-faults-certs-');
  let lastEnv = env;
  const startTimes: number[] = [];
  const start = async (e: NodeJS.ProcessEnv) => {
    const t0 = performance.now();
    const eposd = await startEposd({ dataDir, certDir, env: { ...FAULTS_ENV, ...e } });
    startTimes.push(performance.now() - t0);
    return eposd;
  };
  const device: Device = {
    eposd: await start(env),
    dataDir,
    certDir,
    startTimes,
    async restart(e = lastEnv) {
      lastEnv = e;
      device.eposd = await start(e);
      return device.eposd;
    },
  };
  return device;
}

/** A button pressed on the terminal's screen (loopback HTTP); answers the HTTP status and body. */
export async function screenAction(eposd: EposdProcess, body: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await httpsJson(`${eposd.screenUrl}screen/actions`, { method: 'POST', body });
  return { status: res.status, body: res.body as Record<string, unknown> };
}

export async function screenState(eposd: EposdProcess): Promise<{ pairingCode?: string; [k: string]: unknown }> {
  return (await httpsJson(`${eposd.screenUrl}screen`)).body as { pairingCode?: string };
}

/** The installer opens pairing on the screen; the POS (or technician) pairs with the code shown. Answers the token. */
export async function pairRegister(eposd: EposdProcess, query: Record<string, string>): Promise<string> {
  const opened = await screenAction(eposd, { action: 'openPairing' });
  let code = opened.body.pairingCode as string | undefined;
  // A payment's outcome holds the screen for a few seconds; the code shows once it has gone.
  for (const deadline = Date.now() + 15_000; code === undefined && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    code = (await screenState(eposd)).pairingCode;
  }
  if (code === undefined) throw new Error('the screen showed no pairing code within 15 s');
  const res = await httpsJson(`${eposd.apiUrl}/pair?${new URLSearchParams({ pairingCode: code, ...query }).toString()}`);
  if (res.status !== 200) throw new Error(`pairing answered ${res.status}: ${res.text}`);
  return (res.body as { authToken: string }).authToken;
}

/** A keep-alive client of the device's API with `token`. */
export const apiClient = (eposd: EposdProcess, token?: string, sockets = 1): Client => new Client(eposd.apiUrl, token, sockets);

/** The resident set size of a process, in bytes (Linux). */
export function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

export const dbFile = (dataDir: string): string => join(dataDir, 'eposd.db');

/** Runs `fn` on a read-only connection to the device's database (while it runs, or after it was killed). */
export function readDb<T>(dataDir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(dbFile(dataDir), { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** `PRAGMA integrity_check`, joined: "ok" for a sound database. */
export const integrityCheck = (dataDir: string): string =>
  readDb(dataDir, (db) => (db.pragma('integrity_check', { simple: false }) as { integrity_check: string }[]).map((r) => r.integrity_check).join('; '));
