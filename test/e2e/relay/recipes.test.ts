import { statSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupEposd, makeTempDir, ROOT } from '../../helpers/process';
import { bash, bashUntil, shBlocks, type Running } from '../../helpers/recipes';

// docs/relay.md's recipes, run as they are written there: the build is global-setup's, `npx eposd-relay`
// and `npm start` are the built programs they run, and the ports are free ones instead of 9443 and 8883.

const GATEWAY = `node ${join(ROOT, 'dist', 'relay-gateway', 'main.js')}`;
const EPOSD = `node ${join(ROOT, 'dist', 'main.js')}`;

describe('docs/relay.md, "A relay with nothing installed": eposd-relay --embedded-broker', () => {
  const running: Running[] = [];
  afterAll(async () => {
    for (const r of running.reverse()) await r.stop();
    await cleanupEposd();
  });

  it('adds a terminal as a broker user, runs the gateway with its broker, connects the terminal with the settings shown and lists it online', async () => {
    const cwd = makeTempDir('eposd-relay-recipe-');
    const [gatewayShell, terminalShell, check] = shBlocks('docs/relay.md', '## A relay with nothing installed: `--embedded-broker`');
    const gateway = await bashUntil(
      gatewayShell!.replace('npm run build', ':').replaceAll('npx eposd-relay', GATEWAY),
      cwd,
      { RELAY_PORT: '0', RELAY_HOST: '127.0.0.1', RELAY_BROKER_PORT: '0' },
      /^eposd-relay ready url=(\S+) instance=\S+ broker=(\S+)$/,
    );
    running.push(gateway);
    const [, url, brokerUrl] = gateway.ready;
    const [, password, key] = /broker password: (\S+); API key: (\S+)$/m.exec(gateway.lines.join('\n'))!;
    expect(statSync(join(cwd, 'relay-passwords')).mode & 0o777).toBe(0o600);

    const terminal = await bashUntil(
      terminalShell!.replace('mqtts://localhost:8883', brokerUrl!).replace('<the password printed>', password!).replace('npm start', EPOSD),
      cwd,
      { EPOSD_PORT: '0', EPOSD_SCREEN_PORT: '0', EPOSD_HOST: '127.0.0.1', EPOSD_DATA_DIR: makeTempDir('eposd-data-'), EPOSD_CERT_DIR: makeTempDir('eposd-certs-'), EPOSD_MDNS: 'false' },
      /^eposd ready /,
    );
    running.push(terminal);

    const listed = check!.replace('https://localhost:9443', url!).replace('<the key printed>', key!);
    let answer = '';
    for (let tries = 0; tries < 40 && !answer.includes('"online":true'); tries++) {
      if (tries > 0) await new Promise((r) => setTimeout(r, 250));
      answer = (await bash(listed, cwd)).stdout;
    }
    expect(JSON.parse(answer)).toEqual({ terminals: [{ tid: '10000001', online: true, lastSeen: expect.stringMatching(/^\d{4}-/) as unknown }] });
    // Without the key, nothing.
    expect((await bash(listed.replace(key!, 'not-the-key'), cwd)).stdout).toContain('API_KEY_INVALID');
  });
});
