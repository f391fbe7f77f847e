import { cleanupEposd, runEposd, startEposd, type EposdProcess } from '../helpers/process';

// A second `npm start` while one runs: the ports are taken, and the one line the developer sees says so.

describe('eposd started while another holds its port', () => {
  let first: EposdProcess;
  beforeAll(async () => (first = await startEposd()));
  afterAll(cleanupEposd);

  it.each([
    ['API', 'EPOSD_PORT', () => new URL(first.apiUrl).port],
    ['screen', 'EPOSD_SCREEN_PORT', () => new URL(first.screenUrl).port],
  ])('when the %s port is in use, then it exits 1 saying which port, that another eposd may hold it, and the setting that moves it', async (_what, variable, port) => {
    const run = await runEposd({ env: { [variable]: port() } });
    expect(run.code).toBe(1);
    const said = run.stderr.join('\n');
    expect(said).toContain(`eposd: could not start: port ${port()} on 127.0.0.1 is in use`);
    expect(said).toContain('another eposd');
    expect(said).toContain(variable);
    expect(said).not.toMatch(/EADDRINUSE|listen /);
  });
});
