import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { connect, type MqttClient } from 'mqtt';
import { loadOrCreateCertificate } from '../../../src/tls/certificate';
import { freePort } from '../../helpers/broker';
import { makeTempDir } from '../../helpers/process';
import { until } from '../../helpers/until';
import { describeIf } from '../../helpers/needs';

// The deployed broker configuration (deploy/mosquitto/), run as it is written, with only its ports, files
// and certificate moved to a test's own: it ties a terminal's client id to its user (issue 27).
// Needs Debian's mosquitto (.ci/run installs it).

const DEPLOY = resolve(__dirname, '../../../deploy/mosquitto');
const hasMosquitto = spawnSync('mosquitto', ['-h']).error === undefined;
const USERS = { '10000001': 'terminal-a-secret', '10000002': 'terminal-b-secret' };

async function deployedBroker() {
  const dir = makeTempDir('eposd-deployed-mosquitto-');
  const { key, cert } = await loadOrCreateCertificate(join(dir, 'certs'), ['127.0.0.1'], { inProcess: true });
  writeFileSync(join(dir, 'broker.key'), key, { mode: 0o600 });
  writeFileSync(join(dir, 'broker.crt'), cert);
  const ports = { 8883: await freePort(), 8884: await freePort(), 1883: await freePort() };
  let conf = readFileSync(join(DEPLOY, 'mosquitto.conf'), 'utf8')
    .replace(/^listener (\d+)(?: 127\.0\.0\.1)?$/gm, (_l, p: string) => `listener ${ports[Number(p) as keyof typeof ports]} 127.0.0.1`)
    .replace(/deploy\/mosquitto\/certs\//g, `${dir}/`)
    .replace(/deploy\/mosquitto\//g, `${dir}/`)
    .replace(/^persistence true$/m, 'persistence false');
  if (process.getuid?.() === 0) conf += '\nuser root\n';
  writeFileSync(join(dir, 'mosquitto.conf'), conf);
  writeFileSync(join(dir, 'acl'), readFileSync(join(DEPLOY, 'acl')));
  for (const file of ['passwords', 'gateway-passwords']) writeFileSync(join(dir, file), '');
  for (const [user, password] of Object.entries(USERS)) execFileSync('mosquitto_passwd', ['-b', join(dir, 'passwords'), user, password]);
  execFileSync('mosquitto_passwd', ['-b', join(dir, 'gateway-passwords'), 'relay', 'gateway-secret']);
  const child: ChildProcess = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise((r) => setTimeout(r, 300));
  if (child.exitCode !== null) throw new Error(`mosquitto did not start: ${stderr}`);
  return {
    ca: cert,
    terminals: `mqtts://127.0.0.1:${ports[8883]}`,
    gateways: `mqtts://127.0.0.1:${ports[8884]}`,
    async close() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function client(url: string, ca: string, username: string, password: string, clientId: string): Promise<MqttClient> {
  const c = connect(url, { protocolVersion: 5, ca, username, password, clientId, reconnectPeriod: 0, connectTimeout: 5_000 });
  return new Promise((resolveClient, reject) => {
    c.once('connect', () => resolveClient(c));
    c.once('error', reject);
    c.once('close', () => reject(new Error('closed before connecting')));
  });
}

describeIf(hasMosquitto, 'mosquitto')('The deployed Mosquitto configuration (deploy/mosquitto)', () => {
  let broker: Awaited<ReturnType<typeof deployedBroker>>;
  beforeAll(async () => (broker = await deployedBroker()));
  afterAll(async () => broker?.close());

  it("keeps terminal A connected when terminal B's credentials connect with A's client id (was: A knocked off line)", async () => {
    const a = await client(broker.terminals, broker.ca, '10000001', USERS['10000001'], '10000001');
    let closed = false;
    a.on('close', () => (closed = true));
    const b = await client(broker.terminals, broker.ca, '10000002', USERS['10000002'], '10000001');
    const b2 = await client(broker.terminals, broker.ca, '10000002', USERS['10000002'], 'eposd-10000001');
    await new Promise((r) => setTimeout(r, 500));
    expect(closed).toBe(false);
    expect(a.connected).toBe(true);
    for (const c of [a, b, b2]) c.end(true);
  });

  it("refuses a terminal's credentials on the gateways' listener, where client ids are free", async () => {
    await expect(client(broker.gateways, broker.ca, '10000002', USERS['10000002'], '10000001')).rejects.toThrow();
    const gateway = await client(broker.gateways, broker.ca, 'relay', 'gateway-secret', 'eposd-relay-x');
    await until('connected', () => gateway.connected);
    gateway.end(true);
  });
});
