import { createServer, type Server } from 'node:net';
import { cleanupEposd, runEposd, startEposd } from '../helpers/process';

describe('When eposd is started with a bad configuration', () => {
  afterAll(cleanupEposd);

  it('then EPOSD_PORT=abc stops the start with a non-zero exit and a message naming EPOSD_PORT', async () => {
    const run = await runEposd({ env: { EPOSD_PORT: 'abc' } });
    expect(run.code).not.toBe(0);
    expect(run.code).not.toBeNull();
    expect(run.stderr.join('\n')).toMatch(/EPOSD_PORT must be a whole number, got "abc"/);
    expect(run.stdout.some((l) => l.startsWith('eposd ready'))).toBe(false);
  });

  it('then a bad flag is named as the flag', async () => {
    const run = await runEposd({ args: ['--screen-port', '70000'] });
    expect(run.code).not.toBe(0);
    expect(run.stderr.join('\n')).toMatch(/--screen-port must be between 0 and 65535, got 70000/);
  });

  it('then an unknown EPOSD_ variable (a typo) is named at start with the closest known one, and the start goes on', async () => {
    const eposd = await startEposd({ env: { EPOSD_PROT: '9443' } });
    expect(eposd.stderr()).toContain('eposd: warning: EPOSD_PROT is not a setting of eposd and is ignored: did you mean EPOSD_PORT? (npm start -- --help lists them all)');
    expect(await eposd.stop()).toBe(0);
  });

  it('then a port already in use stops the start with a non-zero exit and says why', async () => {
    const taken: Server = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    try {
      const port = String((taken.address() as { port: number }).port);
      const run = await runEposd({ env: { EPOSD_PORT: port } });
      expect(run.code).not.toBe(0);
      expect(run.stderr.join('\n')).toMatch(/could not start: port \d+ on 127\.0\.0\.1 is in use/);
      expect(run.stdout.some((l) => l.startsWith('eposd ready'))).toBe(false);
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });
});
