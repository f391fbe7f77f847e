import Database from 'better-sqlite3';
import { join } from 'node:path';
import { httpsJson } from '../helpers/http';
import { eventually } from '../helpers/payments';
import { cleanupEposd, makeTempDir, startEposd, type EposdProcess } from '../helpers/process';
import { type PairingAnswer, type ScreenState, type Acknowledgement, type FinalStatus, type InProgressStatus } from '../helpers/bodies';

// SPEC §4: after a crash or power loss nothing acknowledged is lost, and nothing stays IN_PROGRESS.
// The process is killed with SIGKILL (no shutdown code runs), then started again on the same directories.

interface Terminal {
  dataDir: string;
  certDir: string;
  eposd: EposdProcess;
  token: string;
}

async function startPaired(env: NodeJS.ProcessEnv): Promise<Terminal> {
  const dataDir = makeTempDir('eposd-data-');
  const certDir = makeTempDir('eposd-certs-');
  const eposd = await startEposd({ dataDir, certDir, env });
  const code = (await httpsJson<ScreenState>(`${eposd.screenUrl}screen`)).body.pairingCode!;
  const token = (await httpsJson<PairingAnswer>(`${eposd.apiUrl}/pair?pairingCode=${code}&registerId=till-1`)).body.authToken;
  return { dataDir, certDir, eposd, token };
}

const status = (t: Terminal, uti: string) => httpsJson<FinalStatus | InProgressStatus>(`${t.eposd.apiUrl}/transaction?uti=${uti}`, { headers: { authorization: t.token } });

async function sale(t: Terminal, amountTrans: number): Promise<string> {
  const res = await httpsJson<Acknowledgement>(`${t.eposd.apiUrl}/transaction?disablePrinting=true`, { method: 'POST', headers: { authorization: t.token }, body: { transType: 'SALE', amountTrans } });
  expect(res.status).toBe(200);
  return res.body.uti;
}

async function killAndRestart(t: Terminal, env: NodeJS.ProcessEnv): Promise<void> {
  t.eposd.kill('SIGKILL');
  expect(await t.eposd.waitForExit()).toMatchObject({ signal: 'SIGKILL' });
  t.eposd = await startEposd({ dataDir: t.dataDir, certDir: t.certDir, env });
}

function countInProgress(dataDir: string): number {
  const db = new Database(join(dataDir, 'eposd.db'), { readonly: true });
  try {
    return db.prepare(`SELECT count(*) FROM transactions WHERE status = 'IN_PROGRESS'`).pluck().get() as number;
  } finally {
    db.close();
  }
}

describe('When the terminal is killed in the middle of a payment and started again', () => {
  afterAll(cleanupEposd);

  it('then a payment that waited for a card ends FAILED TERMINAL_RESTARTED, not reversed', async () => {
    const env = { EPOSD_SIM_MODE: 'manual', EPOSD_SIM_AUTH_DELAY_MS: '0' };
    const t = await startPaired(env);
    const uti = await sale(t, 1000);
    const waiting = await status(t, uti);
    expect(waiting).toMatchObject({ status: 202, body: { status: 'IN_PROGRESS', stage: 'AWAITING_CARD' } });

    await killAndRestart(t, env);
    const after = await status(t, uti);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ uti, status: 'FAILED', statusReason: 'TERMINAL_RESTARTED', transApproved: false, reversed: false });
    expect(countInProgress(t.dataDir)).toBe(0);
    // The terminal is free again.
    expect((await httpsJson(`${t.eposd.apiUrl}/transaction`, { method: 'POST', headers: { authorization: t.token }, body: { transType: 'SALE', amountTrans: 500 } })).status).toBe(200);
  });

  it('then a payment that was at the host ends FAILED TERMINAL_RESTARTED and is reversed with the host', async () => {
    // The host takes 10 s to answer, so the payment is certainly at the host when the process dies.
    const t = await startPaired({ EPOSD_SIM_MODE: 'manual', EPOSD_SIM_AUTH_DELAY_MS: '10000' });
    const uti = await sale(t, 1000);
    const presented = await httpsJson(`${t.eposd.screenUrl}screen/actions`, { method: 'POST', body: { action: 'presentCard', card: 'visa-contactless' } });
    expect(presented.status).toBe(200);
    const authorizing = await eventually(
      'the payment to reach the host',
      () => status(t, uti),
      (r) => r.body.status === 'IN_PROGRESS' && r.body.stage === 'AUTHORIZING',
    );
    expect(authorizing.status).toBe(202);

    await killAndRestart(t, { EPOSD_SIM_MODE: 'manual', EPOSD_SIM_AUTH_DELAY_MS: '0' });
    expect(countInProgress(t.dataDir)).toBe(0);
    const reversed = await eventually(
      'the reversal to be confirmed',
      () => status(t, uti),
      (r) => r.body.status !== 'IN_PROGRESS' && r.body.reversed === true,
    );
    expect(reversed.status).toBe(200);
    expect(reversed.body).toMatchObject({ uti, status: 'FAILED', statusReason: 'TERMINAL_RESTARTED', transApproved: false, reversed: true, primaryAccountNumber: '47**********0010' });
  });
});
