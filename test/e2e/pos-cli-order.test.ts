import { cleanupEposd, makeTempDir, startEposd, type EposdProcess } from '../helpers/process';
import { endpointOf, pairingCode, QUICK_SIMULATOR_ENV, runPos } from '../helpers/pos';

describe('eposd-pos with order data, languages and custom printing, against a real eposd', () => {
  let eposd: EposdProcess;
  let home: string;
  beforeAll(async () => {
    eposd = await startEposd({ env: QUICK_SIMULATOR_ENV });
    home = makeTempDir('eposd-pos-order-');
    const { host, port } = endpointOf(eposd);
    const run = await runPos(['pair', '--host', `${host}:${port}`, '--code', await pairingCode(eposd), '--register-id', 'till-order', '--yes'], home);
    expect(run.code).toBe(0);
  });
  afterAll(cleanupEposd);

  it('when a sale is taken with --meta, --description and --locale ja, then the outcome carries them and the cardholder receipt is in Japanese', async () => {
    const run = await runPos(['sale', '12.50', '--meta', 'order=42', '--meta', 'table=7', '--description', 'Lunch', '--locale', 'ja', '--json'], home);
    expect(run.code).toBe(0);
    const final = JSON.parse(run.stdout) as { metadata: unknown; description: string; locale: string; cardholderReceipt: [string][]; cardBrand: string };
    expect(final).toMatchObject({ metadata: { order: '42', table: '7' }, description: 'Lunch', locale: 'ja', cardBrand: 'VISA' });
    expect(final.cardholderReceipt.map((l) => l[0])).toContain('お客様控え');
  });

  it('when list --meta is given, then only the transactions with that pair are listed', async () => {
    await runPos(['sale', '1', '--meta', 'order=43'], home);
    const run = await runPos(['list', '--meta', 'order=42', '--json'], home);
    expect(run.code).toBe(0);
    const page = JSON.parse(run.stdout) as { transactions: { metadata?: Record<string, string> }[] };
    expect(page.transactions).toHaveLength(1);
    expect(page.transactions[0]!.metadata).toEqual({ order: '42', table: '7' });
  });

  it('when print is given lines, then the terminal prints them', async () => {
    const run = await runPos(['print', 'KITCHEN', 'Table 7', '--align', 'CENTER', '--style', 'LARGE', '--json'], home);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ printed: true, lines: 2 });
  });

  it('when --meta is not key=value or --locale is unknown, then it exits 1 without sending anything', async () => {
    expect((await runPos(['sale', '1', '--meta', 'order'], home)).code).toBe(1);
    expect((await runPos(['sale', '1', '--locale', 'fr'], home)).code).toBe(1);
  });
});
