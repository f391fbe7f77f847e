import { exec } from 'node:child_process';
import { promisify } from 'node:util';
import { httpsJson } from '../helpers/http';
import { eventually } from '../helpers/payments';
import { cleanupEposd, startEposd, type EposdProcess } from '../helpers/process';
import { stringMatching } from '../helpers/matchers';
import { type PairingAnswer, type ScreenState } from '../helpers/bodies';

const sh = promisify(exec);

/** Runs a command line exactly as a developer pastes it into a shell, and parses what it prints. */
async function curl(commandLine: string): Promise<Record<string, unknown>> {
  const { stdout } = await sh(commandLine, { timeout: 15_000 });
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe("When a POS developer follows Paynt's documentation with curl", () => {
  let eposd: EposdProcess;
  let port: string;
  let token: string;
  beforeAll(async () => {
    eposd = await startEposd({ env: { EPOSD_SIM_CARD_DELAY_MS: '0', EPOSD_SIM_AUTH_DELAY_MS: '0' } });
    port = new URL(eposd.apiUrl).port;
    const code = (await httpsJson<ScreenState>(`${eposd.screenUrl}screen`)).body.pairingCode!;
    token = (await httpsJson<PairingAnswer>(`${eposd.apiUrl}/pair?pairingCode=${code}&registerId=curl-till`)).body.authToken;
    expect(token).toMatch(/^[A-Za-z0-9_.-]+$/);
  });
  afterAll(cleanupEposd);

  it('then the documented SALE command is acknowledged, and the documented status command reads it APPROVED', async () => {
    const ack = await curl(
      `curl -k --location 'https://127.0.0.1:${port}/payntpos/1.0.0/transaction?tid=${eposd.tid}&disablePrinting=false' --header 'Content-Type: application/json' --header 'Authorization: ${token}' --data '{"transType": "SALE", "reference": "your-reference", "amountTrans": 1000}'`,
    );
    expect(ack).toEqual({ transType: 'SALE', amountTrans: 1000, uti: stringMatching(/^[A-Za-z0-9-]{1,64}$/) });

    const status = await eventually(
      'the SALE to be final',
      () => curl(`curl -k --location 'https://127.0.0.1:${port}/payntpos/1.0.0/transaction?tid=${eposd.tid}&uti=${ack.uti as string}' --header 'Authorization: ${token}'`),
      (s) => s.status !== 'IN_PROGRESS',
    );
    expect(status).toMatchObject({
      uti: ack.uti,
      transApproved: true,
      transactionType: 'SALE',
      transAmount: 1000,
      authCode: stringMatching(/^\d{6}$/),
      primaryAccountNumber: '47**********0010',
      transactionDate: stringMatching(/^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} GMT[+-]\d{2}:\d{2} \d{4}$/),
      reference: 'your-reference',
      status: 'APPROVED',
      terminalId: eposd.tid,
    });
    expect(status.cardholderReceipt).toEqual(expect.arrayContaining([['CARDHOLDER COPY', '5', 'C', 'B']]));
    expect(status.merchantReceipt).toEqual(expect.arrayContaining([['MERCHANT COPY', '5', 'C', 'B']]));
  });

  it('then the full card number appears nowhere in what the process wrote', () => {
    const written = [...eposd.stdout(), ...eposd.stderr()].join('\n');
    expect(written).not.toContain('4761730000000010');
    expect(written).toContain('47**********0010');
  });
});
