import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BASE_PATH } from '../../../src/app';
import { apiRelayHandler } from '../../../src/relay/start';
import { TerminalRelay } from '../../../src/relay/terminal-relay';
import { silentLogger } from '../../../src/shared/logger';
import { loadOrCreateCertificate } from '../../../src/tls/certificate';
import { testContext, TEST_TID } from '../../helpers/context';
import { httpsJson } from '../../helpers/http';
import { startBroker, type Broker } from '../../helpers/broker';
import { cleanupEposd, makeTempDir, ROOT } from '../../helpers/process';
import { testGateway } from '../../helpers/relay';
import { until } from '../../helpers/until';

const GATEWAY = join(ROOT, 'dist', 'relay-gateway', 'main.js');

/** Runs the built `eposd-relay` until `whileRunning` is done (or it exits), then stops it. */
async function runGateway(env: NodeJS.ProcessEnv, whileRunning: (url: string) => Promise<void> = () => Promise.resolve()) {
  const child = spawn(process.execPath, [GATEWAY], {
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

  it('prints one ready line with its URL, warns that it is open without RELAY_API_KEYS, serves /terminals and stops on SIGTERM', async () => {
    let terminals: unknown;
    const run = await runGateway({ RELAY_BROKER_URL: broker.url }, async (url) => {
      terminals = (await httpsJson(`${url}/terminals`)).body;
    });
    expect(run.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(run.stdout.filter((l) => l.startsWith('eposd-relay ready'))).toHaveLength(1);
    expect(run.stderr).toContain('RELAY_API_KEYS is not set');
    expect(terminals).toEqual({ terminals: [] });
    expect(run.code).toBe(0);
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
    const trusting = new TerminalRelay({ tid: TEST_TID, broker: { url: broker.url, ca }, handle: apiRelayHandler(ctx), logger: silentLogger });
    const untrusting = new TerminalRelay({ tid: '10000003', broker: { url: broker.url }, handle: apiRelayHandler(ctx), logger: silentLogger, reconnect: { firstMs: 200, maxMs: 200 } });
    trusting.start();
    untrusting.start();
    const gateway = await testGateway(broker, { brokerUsername: undefined, brokerPassword: undefined, brokerCa: ca, apiKeys: [] });
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
