import type { FinalStatus, TransactionList } from '../../src/client';
import { cleanupEposd, makeTempDir, startEposd, type EposdProcess } from '../helpers/process';
import { endpointOf, pairingCode, QUICK_SIMULATOR_ENV, runPos } from '../helpers/pos';

describe('eposd-pos with --item lines, against a real eposd', () => {
  let eposd: EposdProcess;
  let home: string;
  const listed = async () => (JSON.parse((await runPos(['list', '--json'], home)).stdout) as TransactionList).transactions.length;

  beforeAll(async () => {
    eposd = await startEposd({ env: { ...QUICK_SIMULATOR_ENV, EPOSD_CURRENCIES: 'EUR,JPY' } });
    home = makeTempDir('eposd-pos-items-');
    const { host, port } = endpointOf(eposd);
    const run = await runPos(['pair', '--host', `${host}:${port}`, '--code', await pairingCode(eposd), '--register-id', 'till-items', '--yes'], home);
    expect(run.code).toBe(0);
  });
  afterAll(cleanupEposd);

  let saleUti: string;

  it('when a sale is taken with two --item lines and the amount "auto", then it charges their total and the outcome carries them', async () => {
    const run = await runPos(['sale', 'auto', '--item', '2 x Flat white @ 3.50', '--item', 'Croissant @ 2.20 tax 0.20', '--json'], home);
    expect(run.code).toBe(0);
    const final = JSON.parse(run.stdout) as FinalStatus;
    expect(final).toMatchObject({ status: 'APPROVED', transAmount: 920 });
    expect(final.lineItems).toEqual([
      { name: 'Flat white', quantity: 2, unitAmount: 350 },
      { name: 'Croissant', quantity: 1, unitAmount: 220, taxAmount: 20 },
    ]);
    expect(final.cardholderReceipt.map((l) => l[0]).join('\n')).toMatch(/Flat white/);
    saleUti = final.uti;
  });

  it('when the --item lines do not add up to the amount, then it exits 1 and sends nothing', async () => {
    const before = await listed();
    const run = await runPos(['sale', '10.00', '--item', '2 x Flat white @ 3.50', '--item', 'Croissant @ 2.20'], home);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/the --item lines add up to 9\.20, not the amount 10\.00: the payment was not sent/);
    expect(run.stderr).not.toMatch(/terminal answered/);
    expect(await listed()).toBe(before);
  });

  it('when a sale in JPY gives its items in whole yen, then the amount and the lines are in yen', async () => {
    const run = await runPos(['sale', '1900', '--currency', 'JPY', '--item', '2 x Ramen @ 950', '--json'], home);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ currency: 'JPY', transAmount: 1900, lineItems: [{ name: 'Ramen', quantity: 2, unitAmount: 950 }] });
  });

  it("when a void is given order options, then it refuses lines that do not add up to the sale's amount and sends those that do", async () => {
    const wrong = await runPos(['void', saleUti, '--item', 'Flat white @ 3.50'], home);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/the --item lines add up to EUR 3\.50, not the amount voided EUR 9\.20: the void was not sent/);
    expect(wrong.stderr).not.toMatch(/terminal answered/);

    const run = await runPos(['void', saleUti, '--item', '2 x Flat white @ 3.50', '--item', 'Croissant @ 2.20', '--description', 'Wrong table', '--meta', 'order=77', '--json'], home);
    expect(run.code).toBe(0);
    const final = JSON.parse(run.stdout) as FinalStatus;
    expect(final).toMatchObject({ transactionType: 'REVERSAL', status: 'APPROVED', description: 'Wrong table', metadata: { order: '77' } });
    expect(final.lineItems).toHaveLength(2);
  });

  it('when a pre-authorisation is completed with --item lines and a description, then the completion carries them', async () => {
    const preauth = await runPos(['preauth', '50.00', '--json'], home);
    const uti = (JSON.parse(preauth.stdout) as FinalStatus).uti;
    const run = await runPos(['complete', uti, 'auto', '--item', '2 x Room night @ 20.00', '--description', 'Room 12', '--json'], home);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ transactionType: 'COMPLETION', transAmount: 4000, description: 'Room 12', lineItems: [{ name: 'Room night', quantity: 2, unitAmount: 2000 }] });
  });

  it('when asked for help, then a payment command explains the --item grammar and "auto"', async () => {
    const run = await runPos(['sale', '--help'], home);
    expect(run.stdout).toMatch(/--item <spec>/);
    expect(run.stdout).toMatch(/\[QUANTITY x \]NAME @ UNIT\[ = TOTAL\]\[ tax TAX\]/);
    expect(run.stdout).toMatch(/"auto" as the amount charges their total/);
  });
});
