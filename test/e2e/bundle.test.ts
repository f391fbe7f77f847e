import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { httpsJson } from '../helpers/http';
import { ROOT } from '../helpers/process';
import { type Acknowledgement, type PairingAnswer, type ScreenState } from '../helpers/bodies';

// `npm start` runs dist/bundle/main.js (scripts/bundle.mjs; built with dist/ by global-setup.ts).
// The other end-to-end tests run the unbundled dist/main.js: here the bundle does a terminal's work.
// main.js is the loader that turns on Node's compile cache (Node 22.1+) and runs main.code.js.

const BUNDLE = join(ROOT, 'dist', 'bundle', 'main.js');
const READY = /^eposd ready api=(\S+) screen=(\S+) tid=(\S+) fingerprint=(\S+)/;

describe('When eposd runs from the bundle that npm start runs', () => {
  let child: ChildProcess;
  let dir: string;
  let api: string;
  let screen: string;
  let tid: string;
  let stderr = '';
  const closed = () => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('close', resolve)));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eposd-bundle-'));
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EPOSD_')));
    child = spawn(process.execPath, [BUNDLE], {
      cwd: ROOT,
      env: {
        ...env,
        EPOSD_PORT: '0',
        EPOSD_SCREEN_PORT: '0',
        EPOSD_HOST: '127.0.0.1',
        EPOSD_DATA_DIR: join(dir, 'data'),
        EPOSD_CERT_DIR: join(dir, 'certs'),
        EPOSD_SIM_CARD_DELAY_MS: '0',
        EPOSD_SIM_AUTH_DELAY_MS: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr!.on('data', (c) => (stderr += c));
    const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const m = READY.exec(line);
        if (m) resolve(m);
      });
      child.once('close', (code) => reject(new Error(`the bundle exited (${code}) before it was ready:\n${stderr}`)));
    });
    [api, screen, tid] = [ready[1]!, ready[2]!, ready[3]!];
  });

  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await closed();
    rmSync(dir, { recursive: true, force: true });
  });

  it('then it makes its certificate, serves the screen page and takes a payment', async () => {
    expect(api).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/payntpos\/1\.0\.0$/);
    const page = await httpsJson(screen);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html');

    const { pairingCode } = (await httpsJson<ScreenState>(`${screen}screen`)).body;
    const paired = await httpsJson<PairingAnswer>(`${api}/pair?pairingCode=${pairingCode!}&registerId=bundle`);
    expect(paired.status).toBe(200);
    const headers = { authorization: paired.body.authToken };
    const ack = await httpsJson<Acknowledgement>(`${api}/transaction?tid=${tid}`, { method: 'POST', headers, body: { transType: 'SALE', amountTrans: 1000 } });
    expect(ack.status).toBe(200);
    const outcome = await httpsJson(`${api}/transaction?uti=${ack.body.uti}&wait=10`, { headers });
    expect(outcome.body).toMatchObject({ uti: ack.body.uti, status: 'APPROVED', transApproved: true });
  });

  it("then what V8 compiled as it started is in Node's compile cache beside the bundle (none on Node 20, which has no compile cache)", () => {
    const root = join(ROOT, 'dist', 'bundle', 'compile-cache');
    // Node keeps a folder per version, processor and V8 flags: this Node's, with the bundle's entry, the largest.
    const mine = existsSync(root) ? readdirSync(root).filter((d) => d.startsWith(`${process.version}-${process.arch}-`)) : [];
    const largest = Math.max(0, ...mine.flatMap((d) => readdirSync(join(root, d)).map((f) => statSync(join(root, d, f)).size)));
    if (typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === 'function') expect(largest).toBeGreaterThan(100_000);
    else expect(mine).toEqual([]);
  });

  it('then it stops on SIGTERM with exit code 0', async () => {
    child.kill('SIGTERM');
    expect(await closed()).toBe(0);
  });
});
