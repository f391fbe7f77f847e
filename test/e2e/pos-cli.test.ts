import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startAnnouncer, type Announcer } from '../../src/discovery/announcer';
import { silentLogger } from '../../src/shared/logger';
import { httpsJson } from '../helpers/http';
import { cleanupEposd, makeTempDir, startEposd, type EposdProcess } from '../helpers/process';
import { endpointOf, pairingCode, QUICK_SIMULATOR_ENV, runPos } from '../helpers/pos';
import { type ScreenState, type SearchPage } from '../helpers/bodies';

/** A loopback port that nothing listens on (it was free a moment ago). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('eposd-pos, the command line, against a real eposd', () => {
  let eposd: EposdProcess;
  let home: string;
  const terminalsFile = () => join(home, '.config', 'eposd-pos', 'terminals.json');
  beforeAll(async () => {
    eposd = await startEposd({ env: QUICK_SIMULATOR_ENV });
    home = makeTempDir('eposd-pos-home-');
  });
  afterAll(cleanupEposd);

  it('when a script pairs without a terminal to confirm the fingerprint on (echo y |), and without --yes or --fingerprint, then it refuses and sends nothing', async () => {
    const { host, port } = endpointOf(eposd);
    const code = await pairingCode(eposd);
    const run = await runPos(['pair', '--host', host, '--port', String(port), '--code', code, '--register-id', 'till-cli'], home, {}, 20_000, 'y\n');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Not paired: .*--fingerprint <sha256>.*--yes/);
    expect(existsSync(terminalsFile())).toBe(false);
    // The code was never sent: it still pairs.
    expect((await httpsJson<ScreenState>(`${eposd.screenUrl}screen`)).body.pairingCode).toBe(code);
  });

  it('when --host carries the port (host:port), as --terminal does, then it pairs there', async () => {
    const { host, port } = endpointOf(eposd);
    const run = await runPos(['pair', '--host', `${host}:${port}`, '--code', await pairingCode(eposd), '--register-id', 'till-hostport', '--yes', '--json'], join(home, 'hostport'));
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toMatchObject({ host, port, tid: eposd.tid, registerId: 'till-hostport' });
  });

  it('when --host and --port name different ports, then it refuses without connecting', async () => {
    const run = await runPos(['pair', '--host', '127.0.0.1:9443', '--port', '9444', '--code', '123456', '--yes'], join(home, 'conflict'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/names port 9443 but the port given is 9444/);
  });

  it('when nothing answers at the address, or the address is not one, then it says what to check, never a raw system error', async () => {
    const closed = await closedPort();
    const refused = await runPos(['pair', '--host', `127.0.0.1:${closed}`, '--code', '123456', '--yes'], join(home, 'refused'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`eposd-pos: Nothing answers at 127.0.0.1:${closed}: is eposd running there, and is that its API port (eposd prints it in its ready line)?\n`);
    const screenPort = new URL(eposd.screenUrl).port;
    const notTls = await runPos(['pair', '--host', `127.0.0.1:${screenPort}`, '--code', '123456', '--yes'], join(home, 'not-tls'));
    expect(notTls.code).toBe(1);
    expect(notTls.stderr).toMatch(/does not speak HTTPS as an eposd terminal does/);
    const bad = await runPos(['pair', '--host', 'till 1', '--code', '123456', '--yes'], join(home, 'bad'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/"till 1" is not a terminal address/);
    for (const run of [refused, notTls, bad]) expect(run.stderr).not.toMatch(/\bE[A-Z]{4,}\b|getaddrinfo|ERR_|\bat \S+ \(/);
  });

  it('when the installer pairs with the code on the screen, then it prints the pinned fingerprint to compare with the screen as the screen and the ready line show it, and stores the pairing in ~/.config readable by its owner only', async () => {
    const { host, port } = endpointOf(eposd);
    const run = await runPos(['pair', '--host', host, '--port', String(port), '--code', await pairingCode(eposd), '--register-id', 'till-cli', '--yes'], home);
    expect(run).toMatchObject({ code: 0 });
    // The one form a person compares, as the ready line, the [screen] line and the screen page show it: 64 lowercase hex digits.
    expect(run.stdout.split('\n')).toContain(`  ${eposd.fingerprint}`);
    expect(run.stdout).toMatch(/Compare it with the fingerprint on the terminal's screen/);
    expect(statSync(terminalsFile()).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(terminalsFile(), 'utf8'))).toMatchObject({ terminals: [{ tid: eposd.tid, registerId: 'till-cli', fingerprint: eposd.fingerprint }] });
  });

  it('when a sale is approved, then it shows the progress, prints the receipt and exits 0', async () => {
    const run = await runPos(['sale', '12.50', '--reference', 'cli-sale'], home);
    expect(run).toMatchObject({ code: 0 });
    const progress = run.stderr.split('\n');
    expect(progress).toEqual(expect.arrayContaining(['Present card…', 'Authorising…', 'Approved']));
    expect(progress.indexOf('Present card…')).toBeLessThan(progress.indexOf('Approved'));
    expect(run.stdout).toMatch(/^APPROVED {2}SALE EUR 12\.50 {2}auth \d{6} {2}card 47\*{10}0010/);
    expect(run.stdout).toContain('CARDHOLDER COPY');
    expect(run.stdout).toContain('AMOUNT: EUR 12.50');
  });

  it('when a sale is declined (an amount ending in 05), then it exits 2', async () => {
    const run = await runPos(['sale', '10.05'], home);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^DECLINED \(do not honour\)/);
  });

  it('when the customer cancels on the terminal (an amount ending in 97), then it exits 3', async () => {
    const run = await runPos(['sale', '--minor', '1097', '--json'], home);
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'CANCELLED', transAmount: 1097 });
    expect(run.stderr).toBe('');
  });

  it('when --json is given, then standard output is the final status as JSON', async () => {
    const run = await runPos(['sale', '3', '--json'], home);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ transApproved: true, transAmount: 300, status: 'APPROVED' });
  });

  it('when a sale carries a tip and cashback (--tip 2 --cashback 5), then both are charged on top and answered', async () => {
    const run = await runPos(['sale', '12.50', '--tip', '2', '--cashback', '5', '--json'], home);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'APPROVED', transAmount: 1250, tipAmount: 200, cashbackAmount: 500, totalAmount: 1950, currency: 'EUR' });
  });

  it('when a refund names its sale (--original), a pre-authorisation is raised (increment) and completed, then each is approved', async () => {
    const sale = JSON.parse((await runPos(['sale', '20', '--json'], home)).stdout) as { uti: string };
    const refund = await runPos(['refund', '5', '--original', sale.uti, '--json'], home);
    expect(JSON.parse(refund.stdout)).toMatchObject({ status: 'APPROVED', transactionType: 'REFUND', originalUti: sale.uti });
    const preauth = JSON.parse((await runPos(['preauth', '40', '--json'], home)).stdout) as { uti: string };
    const increment = await runPos(['increment', preauth.uti, '20', '--json'], home);
    expect(increment.code).toBe(0);
    expect(JSON.parse(increment.stdout)).toMatchObject({ status: 'APPROVED', transactionType: 'INCREMENT', transAmount: 2000, originalUti: preauth.uti });
    expect(JSON.parse((await runPos(['complete', preauth.uti, '60', '--json'], home)).stdout)).toMatchObject({ status: 'APPROVED', transAmount: 6000 });
  });

  it('when a sale allows a partial approval (--partial) of an amount ending in 10, then half is approved', async () => {
    const run = await runPos(['sale', '25.10', '--partial', '--json'], home);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'APPROVED', totalAmount: 2510, amountAuthorised: 1255, partialApproval: true });
  });

  it('when an amount has more decimals than its currency (12.50 JPY), then it exits 1 without sending anything', async () => {
    const run = await runPos(['sale', '12.50', '--currency', 'JPY'], home);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/not an amount in JPY/);
  });

  it('when an amount is not a number, then it exits 1 without sending anything', async () => {
    const run = await runPos(['sale', '12,50'], home);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/not an amount/);
  });

  describe('when the terminal comes back on the same address with a new key', () => {
    let before: number;
    let token: string;
    beforeAll(async () => {
      token = (JSON.parse(readFileSync(terminalsFile(), 'utf8')) as { terminals: { authToken: string }[] }).terminals[0]!.authToken;
      before = (await httpsJson<SearchPage>(`${eposd.apiUrl}/transactions?limit=100`, { headers: { authorization: token } })).body.transactions.length;
      expect(await eposd.stop()).toBe(0);
      // Same database (so the token is still good), same port, a new certificate directory: a new key,
      // which a terminal with paired registers only accepts as a deliberate act.
      eposd = await startEposd({ env: { ...QUICK_SIMULATOR_ENV, EPOSD_PORT: String(endpointOf(eposd).port), EPOSD_ACCEPT_NEW_IDENTITY: 'true' }, dataDir: eposd.dataDir });
    });

    it('then a sale is refused before anything is sent, and it exits 5', async () => {
      const run = await runPos(['sale', '5.00'], home);
      expect(run.code).toBe(5);
      expect(run.stderr).toMatch(/presented a different key/);
      const after = await httpsJson<SearchPage>(`${eposd.apiUrl}/transactions?limit=100`, { headers: { authorization: token } });
      expect(after.status).toBe(200);
      expect(after.body.transactions).toHaveLength(before);
    });
  });

  describe('discover, with an announcer on loopback', () => {
    let announcer: Announcer;
    const mdnsPort = 20_000 + Math.floor(Math.random() * 20_000);
    beforeAll(() => {
      announcer = startAnnouncer(
        { tid: '87654321', serialNumber: 'EPD-CLI-1', fingerprint: 'c'.repeat(64), apiPort: 8443, basePath: '/payntpos/1.0.0', version: '9.9.9' },
        { network: { interface: '127.0.0.1', port: mdnsPort }, logger: silentLogger },
      );
    });
    afterAll(() => announcer.stop());

    it('then it lists the terminal with its TID, serial and fingerprint', async () => {
      const run = await runPos(['discover', '--interface', '127.0.0.1', '--mdns-port', String(mdnsPort), '--seconds', '2', '--json'], home);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual([
        expect.objectContaining({ name: 'eposd-EPD-CLI-1', host: '127.0.0.1', port: 8443, tid: '87654321', serialNumber: 'EPD-CLI-1', fingerprint: 'c'.repeat(64), basePath: '/payntpos/1.0.0' }),
      ]);
    });
  });
});
