import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../helpers/broker';
import { httpsJson } from '../../helpers/http';
import { describeIf } from '../../helpers/needs';
import { cleanupEposd, makeTempDir, ROOT } from '../../helpers/process';
import { onPath } from '../../helpers/programs';
import { bash, bashUntil, shBlocks, type Running } from '../../helpers/recipes';

// docs/relay.md's recipes, run as they are written there: the build is global-setup's, `npx eposd-relay`
// and `npm start` are the built programs they run, and the ports are free ones instead of 9443 and 8883.

const GATEWAY = `node ${join(ROOT, 'dist', 'relay-gateway', 'main.js')}`;
const EPOSD = `node ${join(ROOT, 'dist', 'main.js')}`;
const ONLINE = { terminals: [{ tid: '10000001', online: true, lastSeen: expect.stringMatching(/^\d{4}-/) as unknown }], nextCursor: null };

/** The recipes' processes, stopped after the file, last started first. */
const running: Running[] = [];
afterAll(async () => {
  for (const r of running.reverse()) await r.stop();
  await cleanupEposd();
});

/** Runs the terminal's recipe (its `npm start` on free ports and folders of its own) until eposd is ready. */
const startTerminal = async (recipe: string, cwd: string) =>
  running.push(
    await bashUntil(
      recipe.replace('npm start', EPOSD),
      cwd,
      { EPOSD_PORT: '0', EPOSD_SCREEN_PORT: '0', EPOSD_HOST: '127.0.0.1', EPOSD_DATA_DIR: makeTempDir('eposd-data-'), EPOSD_CERT_DIR: makeTempDir('eposd-certs-'), EPOSD_MDNS: 'false' },
      /^eposd ready /,
    ),
  );

/** What `read()` answers once it names the terminal online (a connection takes a moment), or its last answer. */
async function onceOnline(read: () => Promise<string>): Promise<unknown> {
  let answer = '';
  for (let tries = 0; tries < 40 && !answer.includes('"online":true'); tries++) {
    if (tries > 0) await new Promise((r) => setTimeout(r, 250));
    answer = await read();
  }
  return JSON.parse(answer) as unknown;
}

describe('docs/relay.md, "A relay with nothing installed": eposd-relay --embedded-broker', () => {
  it('adds a terminal as a broker user, runs the gateway with its broker, connects the terminal with the settings shown and lists it online', async () => {
    const cwd = makeTempDir('eposd-relay-recipe-');
    const [gatewayShell, terminalShell, check] = shBlocks('docs/relay.md', '## A relay with nothing installed: `--embedded-broker`');
    const gateway = await bashUntil(
      gatewayShell!.replace('npm run build', ':').replaceAll('npx eposd-relay', GATEWAY),
      cwd,
      { RELAY_PORT: '0', RELAY_HOST: '127.0.0.1', RELAY_BROKER_PORT: '0' },
      /^eposd-relay ready url=(\S+) instance=\S+ broker=(\S+) fingerprint=[0-9a-f]{64}$/,
    );
    running.push(gateway);
    const [, url, brokerUrl] = gateway.ready;
    const [, password, key] = /broker password: (\S+); API key: (\S+)$/m.exec(gateway.lines.join('\n'))!;
    expect(statSync(join(cwd, 'relay-passwords')).mode & 0o777).toBe(0o600);

    await startTerminal(terminalShell!.replace('mqtts://localhost:8883', brokerUrl!).replace('<the password printed>', password!), cwd);

    const listed = check!.replace('https://localhost:9443', url!).replace('<the key printed>', key!);
    expect(await onceOnline(async () => (await bash(listed, cwd)).stdout)).toEqual(ONLINE);
    // Without the key, nothing.
    expect((await bash(listed.replace(key!, 'not-the-key'), cwd)).stdout).toContain('API_KEY_INVALID');
  });
});

describeIf(onPath('mosquitto') !== undefined && onPath('openssl') !== undefined, 'mosquitto')('docs/relay.md, "Running Mosquitto for a shop or a test"', () => {
  it('prepares certificates, folders, users and ownership with setup.sh, runs Mosquitto with the repository configuration, and connects a gateway and a terminal with the settings shown', async () => {
    // A copy of the repository's deploy/mosquitto in a folder others may enter, as a checkout is.
    const cwd = makeTempDir('eposd-mosquitto-recipe-');
    chmodSync(cwd, 0o755);
    const deploy = join(cwd, 'deploy', 'mosquitto');
    mkdirSync(deploy, { recursive: true });
    for (const file of ['setup.sh', 'acl']) copyFileSync(join(ROOT, 'deploy', 'mosquitto', file), join(deploy, file));
    chmodSync(join(deploy, 'setup.sh'), 0o755);
    symlinkSync(join(ROOT, 'dist'), join(cwd, 'dist'));
    const [tls, plain] = [await freePort(), await freePort()];
    const conf = readFileSync(join(ROOT, 'deploy', 'mosquitto', 'mosquitto.conf'), 'utf8');
    writeFileSync(join(deploy, 'mosquitto.conf'), conf.replace(/^listener 8883$/m, `listener ${tls}`).replace(/^listener 1883 127\.0\.0\.1$/m, `listener ${plain} 127.0.0.1`));

    const [brokerShell, gatewayShell, terminalShell] = shBlocks('docs/relay.md', '## Running Mosquitto for a shop or a test');
    const broker = await bashUntil(brokerShell!.replace('npm run build', ':'), cwd, {}, /mosquitto version \S+ running/);
    running.push(broker);
    const password = (user: string) => new RegExp(`^${user}: (\\S+)$`, 'm').exec(broker.lines.join('\n'))![1]!;
    expect(statSync(join(deploy, 'passwords')).mode & 0o777).toBe(0o600);
    expect(statSync(join(deploy, 'certs', 'broker.key')).mode & 0o777).toBe(0o600);
    if (process.getuid?.() === 0) expect(statSync(join(deploy, 'certs', 'broker.key')).uid).toBe(Number(execFileSync('id', ['-u', 'mosquitto'], { encoding: 'utf8' })));

    const key = 'a-key-of-the-recipe-test-0123456789';
    const gateway = await bashUntil(
      gatewayShell!.replace('1883', String(plain)).replace('<relay password>', password('relay')).replace('<a key of your own>', key).replace('npx eposd-relay', GATEWAY),
      cwd,
      { RELAY_PORT: '0', RELAY_HOST: '127.0.0.1' },
      /^eposd-relay ready url=(\S+)/,
    );
    running.push(gateway);
    await startTerminal(terminalShell!.replace('localhost:8883', `localhost:${tls}`).replace('<10000001 password>', password('10000001')), cwd);

    expect(await onceOnline(async () => (await httpsJson(`${gateway.ready[1]}/terminals`, { headers: { 'x-api-key': key } })).text)).toEqual(ONLINE);
    // Retained presences are kept in data/ when Mosquitto stops.
    await broker.stop();
    expect(existsSync(join(deploy, 'data', 'mosquitto.db'))).toBe(true);
  });
});
