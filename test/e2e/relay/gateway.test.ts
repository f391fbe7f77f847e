import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BASE_PATH } from '../../../src/app';
import { apiRelay } from '../../../src/relay/start';
import { TerminalRelay } from '../../../src/relay/terminal-relay';
import { silentLogger } from '../../../src/shared/logger';
import { loadOrCreateCertificate } from '../../../src/tls/certificate';
import { testContext, TEST_TID } from '../../helpers/context';
import { httpsJson } from '../../helpers/http';
import { freePort, startBroker, type Broker } from '../../helpers/broker';
import { cleanupEposd, makeTempDir, ROOT } from '../../helpers/process';
import { API_KEY, testGateway } from '../../helpers/relay';
import { until } from '../../helpers/until';

const GATEWAY = join(ROOT, 'dist', 'relay-gateway', 'main.js');

/** Runs the built `eposd-relay` until `whileRunning` is done (or it exits), then stops it. */
async function runGateway(env: NodeJS.ProcessEnv, whileRunning: (url: string) => Promise<void> = () => Promise.resolve(), args: string[] = []) {
  const child = spawn(process.execPath, [GATEWAY, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, RELAY_PORT: '0', RELAY_HOST: '127.0.0.1', RELAY_CERT_DIR: makeTempDir('eposd-relay-'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const ready = new Promise<string | undefined>((resolve) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      stdout.push(line);
      const url = /^eposd-relay ready url=(\S+)/.exec(line)?.[1];
      if (url) resolve(url);
    });
    void exited.then(() => resolve(undefined));
  });
  const url = await ready;
  if (url) {
    await whileRunning(url);
    child.kill('SIGTERM');
  }
  return { code: await exited, stdout, stderr, url };
}

describe('eposd-relay, the command', () => {
  let broker: Broker;
  beforeAll(async () => (broker = await startBroker()));
  afterAll(async () => {
    await broker?.close();
    await cleanupEposd();
  });

  it("prints one ready line with its URL and its key's fingerprint, serves /terminals and stops on SIGTERM", async () => {
    let terminals: unknown;
    const run = await runGateway({ RELAY_BROKER_URL: broker.url, RELAY_API_KEYS: API_KEY }, async (url) => {
      terminals = (await httpsJson(`${url}/terminals`, { headers: { 'x-api-key': API_KEY } })).body;
    });
    expect(run.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ready = run.stdout.filter((l) => l.startsWith('eposd-relay ready'));
    expect(ready).toHaveLength(1);
    expect(ready[0]).toMatch(/ fingerprint=[0-9a-f]{64}$/);
    expect(terminals).toEqual({ terminals: [], nextCursor: null });
    expect(run.code).toBe(0);
  });

  it('refuses to start without RELAY_API_KEYS unless --open is given, and starts open with it, saying so (was: open with a warning)', async () => {
    const closed = await runGateway({ RELAY_BROKER_URL: broker.url });
    expect(closed.code).toBe(2);
    expect(closed.stderr).toContain('RELAY_API_KEYS is not set');
    expect(closed.stderr).toContain('--open');
    const open = await runGateway({ RELAY_BROKER_URL: broker.url }, undefined, ['--open']);
    expect(open.url).toBeDefined();
    expect(open.stderr).toContain('open to anyone');
  });

  it('refuses an API key shorter than 32 characters (was: any key)', async () => {
    const run = await runGateway({ RELAY_BROKER_URL: broker.url, RELAY_API_KEYS: 'short-key' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('at least 32 characters');
  });

  it('exits with a clear error when the broker cannot be reached within its time limit (was: waited for ever)', async () => {
    const started = Date.now();
    const run = await runGateway({ RELAY_BROKER_URL: `mqtt://127.0.0.1:${await freePort()}`, RELAY_API_KEYS: API_KEY, RELAY_BROKER_CONNECT_TIMEOUT_MS: '1500' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/could not start: the broker at mqtt:\/\/127\.0\.0\.1:\d+ did not accept a connection within 1\.5 s/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("prints its key's fingerprint with --print-fingerprint, and nothing else", async () => {
    const certDir = makeTempDir('eposd-relay-');
    const first = await runGateway({ RELAY_CERT_DIR: certDir }, undefined, ['--print-fingerprint']);
    const again = await runGateway({ RELAY_CERT_DIR: certDir }, undefined, ['--print-fingerprint']);
    expect(first.code).toBe(0);
    expect(first.stdout).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/) as unknown]);
    expect(again.stdout).toEqual(first.stdout);
  });

  it('refuses to start without a broker, saying which variable is missing (exit 2)', async () => {
    const run = await runGateway({});
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('RELAY_BROKER_URL is required');
  });
});

describe('The relay over TLS to the broker (mqtts://)', () => {
  let broker: Broker;
  let ca: string;
  beforeAll(async () => {
    const certificate = await loadOrCreateCertificate(makeTempDir('eposd-broker-cert-'), ['127.0.0.1'], { inProcess: true });
    ca = certificate.cert;
    broker = await startBroker({ tls: { key: certificate.key, cert: certificate.cert } });
  });
  afterAll(async () => {
    await broker?.close();
    await cleanupEposd();
  });

  it("connects a terminal that trusts the broker's CA and serves its API through a gateway; a terminal without that CA never connects", async () => {
    const { ctx } = testContext();
    const trusting = new TerminalRelay({ tid: TEST_TID, broker: { url: broker.url, ca }, handle: apiRelay(ctx).handle, logger: silentLogger });
    const untrusting = new TerminalRelay({ tid: '10000003', broker: { url: broker.url }, handle: apiRelay(ctx).handle, logger: silentLogger, reconnect: { firstMs: 200, maxMs: 200 } });
    trusting.start();
    untrusting.start();
    const gateway = await testGateway(broker, { brokerUsername: undefined, brokerPassword: undefined, brokerCa: ca, apiKeys: [], open: true });
    try {
      await until('the terminal online at the gateway', () => gateway.board.isOnline(TEST_TID));
      const res = await httpsJson(`${gateway.url}/terminals/${TEST_TID}${BASE_PATH}/openapi.json`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ openapi: '3.1.0' });
      await new Promise((r) => setTimeout(r, 500));
      expect(untrusting.connected).toBe(false);
      expect(gateway.board.isOnline('10000003')).toBe(false);
    } finally {
      await gateway.stop();
      await trusting.stop();
      await untrusting.stop();
      ctx.destroy();
    }
  });
});
