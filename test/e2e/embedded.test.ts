import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { spkiFingerprint } from '../../src/tls/certificate';
import { httpsJson } from '../helpers/http';
import { cleanupEposd, makeTempDir, ROOT } from '../helpers/process';
import type { AnyAnswer } from '../helpers/bodies';

// SPEC §9: a host app (nodejs-mobile on an Android terminal) runs eposd inside its own process. The
// host here (fixtures/embedded-host.cjs) refuses and records child processes, the temporary
// directory, process.exit and reads of EPOSD_* variables, and runs in / with TMPDIR unset.

const HOST = join(__dirname, 'fixtures', 'embedded-host.cjs');
const CARD_DELAY_MS = 300;
const FAST = {
  port: 0,
  screenPort: 0,
  host: '127.0.0.1',
  simCardDelayMs: 0,
  simAuthDelayMs: 0,
  mdns: false,
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Answer = { id: number; ok: boolean; [k: string]: any };

class Host {
  readonly stdout: string[] = [];
  stderr = '';
  private readonly child: ChildProcess;
  private readonly waiting = new Map<number, (a: Answer) => void>();
  private next = 0;
  readonly exited: Promise<number | null>;

  constructor(module: string) {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['TMPDIR', 'TMP', 'TEMP'].includes(k)));
    // Variables a command-line eposd would obey: the embedded one must not read them.
    this.child = spawn(process.execPath, [HOST, module], {
      cwd: '/',
      env: { ...env, EPOSD_PORT: '1', EPOSD_SIM_MODE: 'manual' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stderr!.on('data', (c: Buffer) => (this.stderr += c.toString()));
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.stdout.push(line);
      const answer = JSON.parse(line) as Answer;
      this.waiting.get(answer.id)?.(answer);
    });
    this.exited = new Promise((resolve) => this.child.once('close', (code) => resolve(code)));
  }

  send(cmd: string, args: Record<string, unknown> = {}): Promise<Answer> {
    const id = ++this.next;
    const answered = new Promise<Answer>((resolve, reject) => {
      this.waiting.set(id, resolve);
      void this.exited.then((code) => reject(new Error(`the host exited (${code}) before answering ${cmd}:\n${this.stderr}`)));
    });
    this.child.stdin!.write(`${JSON.stringify({ id, cmd, ...args })}\n`);
    return answered;
  }

  async start(options: Record<string, unknown>): Promise<{
    apiUrl: string;
    screenUrl: string;
    tid: string;
    fingerprint: string;
  }> {
    const answer = await this.send('start', { options });
    if (!answer.ok) throw new Error(`start failed: ${answer.message}`);
    return answer.ready as { apiUrl: string; screenUrl: string; tid: string; fingerprint: string };
  }

  async stop(): Promise<void> {
    expect(await this.send('stop')).toMatchObject({ ok: true });
  }

  /** Ends its input: with eposd stopped, nothing should keep the process alive. */
  async end(): Promise<number | null> {
    this.child.stdin!.end();
    return this.exited;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

describe.each([
  ['dist/embedded.js', "tsc's output (require('eposd/dist/embedded'))"],
  ['dist/bundle/embedded.js', 'the bundle'],
])('When a host app runs eposd in its own process from %s (%s)', (module) => {
  let host: Host;
  let dataDir: string;
  let certDir: string;
  let token: string;
  let ready: Awaited<ReturnType<Host['start']>>;

  beforeAll(() => {
    const dir = makeTempDir('eposd-embedded-');
    [dataDir, certDir] = [join(dir, 'data'), join(dir, 'certs')];
    host = new Host(join(ROOT, module));
  });
  afterAll(async () => {
    host.kill();
    await host.exited;
    await cleanupEposd();
  });

  it('when the paths are relative or a setting is wrong, then start() rejects with every problem, naming the options', async () => {
    const answer = await host.send('start', {
      options: {
        dataDir: 'data',
        certDir: './certs',
        port: 'https',
        simMode: 'sometimes',
        colour: 'blue',
      },
    });
    expect(answer).toMatchObject({ ok: false, name: 'ConfigError' });
    for (const problem of [
      'dataDir must be an absolute path',
      'certDir must be an absolute path',
      'port must be a whole number',
      'simMode must be one of auto, manual',
      'colour is not a setting of eposd',
    ]) {
      expect(answer.message).toContain(problem);
    }
    expect(existsSync(join(dataDir, 'eposd.db'))).toBe(false);
  });

  it('when its port is taken, then start() rejects saying the port is in use (error code EADDRINUSE) and leaves the process able to start it again', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const answer = await host.send('start', { options: { ...FAST, port: (busy.address() as AddressInfo).port, dataDir, certDir } });
      expect(answer).toMatchObject({ ok: false });
      expect(answer.message).toMatch(/^port \d+ on 127\.0\.0\.1 is in use/);
    } finally {
      busy.close();
    }
  });

  it('then start() resolves once it listens, with the URLs, the TID and the fingerprint, and the certificate made in-process', async () => {
    ready = await host.start({ ...FAST, dataDir, certDir });
    expect(ready.apiUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/payntpos\/1\.0\.0$/);
    expect(ready.screenUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(ready.tid).toMatch(/^\d{8}$/);
    expect(ready.fingerprint).toBe(spkiFingerprint(readFileSync(join(certDir, 'key.pem'), 'utf8')));
    expect(existsSync(join(dataDir, 'eposd.db'))).toBe(true);
  });

  it('then a POS pairs with the code on the screen and a sale is approved', async () => {
    const code = (await httpsJson<AnyAnswer>(`${ready.screenUrl}screen`)).body.pairingCode!;
    const paired = await httpsJson<AnyAnswer>(`${ready.apiUrl}/pair?pairingCode=${code}&registerId=till-1`);
    expect(paired.status).toBe(200);
    token = paired.body.authToken!;
    const ack = await httpsJson<AnyAnswer>(`${ready.apiUrl}/transaction?tid=${ready.tid}&disablePrinting=true`, {
      method: 'POST',
      headers: { authorization: token },
      body: { transType: 'SALE', amountTrans: 1250 },
    });
    expect(ack.status).toBe(200);
    const outcome = await httpsJson<AnyAnswer>(`${ready.apiUrl}/transaction?uti=${ack.body.uti}&wait=20`, { headers: { authorization: token }, timeoutMs: 25_000 });
    expect(outcome.body).toMatchObject({
      uti: ack.body.uti,
      status: 'APPROVED',
      transApproved: true,
      transAmount: 1250,
    });
  });

  it('then stop() in the middle of a payment waiting for a card, and a start on the same dataDir, end it FAILED TERMINAL_RESTARTED', async () => {
    await host.stop();
    const manual = await host.start({
      ...FAST,
      simMode: 'manual',
      dataDir,
      certDir,
    });
    expect(manual).toMatchObject({
      tid: ready.tid,
      fingerprint: ready.fingerprint,
    });
    const ack = await httpsJson<AnyAnswer>(`${manual.apiUrl}/transaction?disablePrinting=true`, {
      method: 'POST',
      headers: { authorization: token },
      body: { transType: 'SALE', amountTrans: 1000 },
    });
    expect(ack.status).toBe(200);
    const uti = ack.body.uti!;
    expect(
      await httpsJson(`${manual.apiUrl}/transaction?uti=${uti}`, {
        headers: { authorization: token },
      }),
    ).toMatchObject({ status: 202, body: { stage: 'AWAITING_CARD' } });

    await host.stop();
    ready = await host.start({ ...FAST, simCardDelayMs: CARD_DELAY_MS, dataDir, certDir });
    const after = await httpsJson(`${ready.apiUrl}/transaction?uti=${uti}`, {
      headers: { authorization: token },
    });
    expect(after.body).toMatchObject({
      uti,
      status: 'FAILED',
      statusReason: 'TERMINAL_RESTARTED',
      transApproved: false,
    });
  });

  it('then stop() drains it, and no child process, temporary directory, exit, signal handler or EPOSD_* variable was used', async () => {
    // A payment the simulator will present a card for after the stop: in a host's process eposd's
    // timers outlive stop(), and must find nothing to do (no commit on the closed database, no error).
    const ack = await httpsJson<AnyAnswer>(`${ready.apiUrl}/transaction?disablePrinting=true`, { method: 'POST', headers: { authorization: token }, body: { transType: 'SALE', amountTrans: 1000 } });
    expect(ack.status).toBe(200);
    await host.stop();
    await new Promise((r) => setTimeout(r, CARD_DELAY_MS * 2));
    await expect(httpsJson(`${ready.apiUrl}/health`, { timeoutMs: 2_000 })).rejects.toThrow();
    const report = await host.send('report');
    expect(report).toMatchObject({
      ok: true,
      refused: [],
      exits: [],
      envReads: [],
      cwd: '/',
    });
    expect(report.after).toEqual(report.before);
    // The log went to the host's destination, JSON lines with what the ready line says; nothing else
    // was written on the process's own stdout or stderr.
    const logged = (report.logLines as string[]).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toContainEqual(expect.objectContaining({ msg: 'eposd ready', ...ready }));
    expect(logged.at(-1)).toMatchObject({ msg: 'stopped' });
    expect(host.stdout.every((l) => /^\{"id":\d+,"ok":/.test(l))).toBe(true);
    expect(host.stderr).toBe('');
    // Nothing of eposd's is left running: the host's process ends by itself once its input ends.
    expect(await host.end()).toBe(0);
  });
});
