import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EposdClient } from '../../src/client';
import { cleanupEposd, makeTempDir, startEposd, type EposdProcess } from '../helpers/process';
import { endpointOf, pairingCode, runPos } from '../helpers/pos';
import { screenAction, untilScreen } from '../helpers/terminal';

// The POS drives the screen from the command line and from the client library, against a real eposd:
// the cardholder's answers come from the screen's actions, as a person at the device gives them.

describe('eposd-pos display and prompt, and the client library, against a real eposd', () => {
  let eposd: EposdProcess;
  let home: string;
  beforeAll(async () => {
    eposd = await startEposd({ env: { EPOSD_SIM_MODE: 'manual' } });
    home = makeTempDir('eposd-pos-screen-');
    const { host, port } = endpointOf(eposd);
    expect((await runPos(['pair', '--host', `${host}:${port}`, '--code', await pairingCode(eposd), '--register-id', 'till-screen', '--yes'], home)).code).toBe(0);
  });
  afterAll(cleanupEposd);

  /** Runs `prompt …`, answers it on the screen once it is up, and resolves once the command has exited. */
  const answered = async (args: string[], answer: (promptId: string) => Record<string, unknown>) => {
    const run = runPos(['prompt', ...args], home);
    const shown = await untilScreen(eposd, 'the prompt', (s) => s.screen === 'prompt');
    await screenAction(eposd, answer(shown.prompt!.promptId));
    return run;
  };

  it('display --item shows the basket with its total, and --clear takes it down', async () => {
    const run = await runPos(['display', '--item', '2 x Flat white @ 3.50', '--item', 'Croissant @ 2.20', '--tax', '0.50', '--message', 'Welcome!'], home);
    expect(run).toMatchObject({ code: 0, stdout: 'Shown on the terminal: 2 line(s), total EUR 9.70, a message.\n' });
    const s = await untilScreen(eposd, 'the display', (x) => x.screen === 'display');
    expect(s.display).toMatchObject({
      total: 970,
      tax: 50,
      message: 'Welcome!',
      lineItems: [
        { name: 'Flat white', quantity: 2, total: 700 },
        { name: 'Croissant', total: 220 },
      ],
    });
    expect((await runPos(['display', '--clear'], home)).code).toBe(0);
    await untilScreen(eposd, 'idle', (x) => x.screen === 'idle');
  });

  it('prompt confirm "Add a bag for 0.10?" prints the answer and exits 0', async () => {
    const run = await answered(['confirm', 'Add a bag for 0.10?'], (promptId) => ({ action: 'answerPrompt', promptId, value: true }));
    expect(run).toMatchObject({ code: 0, stdout: 'true\n' });
  });

  it('prompt email prints the address, normalised', async () => {
    const run = await answered(['email'], (promptId) => ({ action: 'answerPrompt', promptId, value: 'Ana@Example.COM' }));
    expect(run).toMatchObject({ code: 0, stdout: 'Ana@example.com\n' });
  });

  it('prompt signature --out sig.svg writes the strokes as an SVG document', async () => {
    const file = join(home, 'sig.svg');
    const strokes = [
      [
        [10, 80],
        [90, 20],
        [170, 90],
      ],
    ];
    const run = await answered(['signature', '--out', file], (promptId) => ({ action: 'answerPrompt', promptId, value: { width: 400, height: 150, strokes } }));
    expect(run).toMatchObject({ code: 0, stdout: `signed (1 stroke)\nWritten to ${file}.\n` });
    expect(readFileSync(file, 'utf8')).toContain('<path d="M10 80L90 20L170 90"');
  });

  it('a skipped prompt exits 3, and a select without options is refused before anything is sent', async () => {
    const run = await answered(['text', 'Anything else?'], (promptId) => ({ action: 'skipPrompt', promptId }));
    expect(run).toMatchObject({ code: 3, stdout: 'SKIPPED\n' });
    expect((await runPos(['prompt', 'select', 'Size?'], home)).code).toBe(1);
  });

  it('client.display() and client.prompt() resolve to what the terminal kept and to the outcome', async () => {
    const client = new EposdClient({ configPath: join(home, '.config', 'eposd-pos', 'terminals.json') });
    const shown = await client.display({ lineItems: [{ name: 'Tea', quantity: 1, unitAmount: 250 }] });
    expect(shown).toMatchObject({ total: 250, shown: true });
    const outcome = client.prompt({
      type: 'select',
      title: 'Size?',
      options: [
        { id: 's', label: 'Small' },
        { id: 'l', label: 'Large' },
      ],
    });
    const s = await untilScreen(eposd, 'the prompt', (x) => x.screen === 'prompt');
    await screenAction(eposd, { action: 'answerPrompt', promptId: s.prompt!.promptId, value: ['l'] });
    expect(await outcome).toMatchObject({ status: 'ANSWERED', value: ['l'], registerId: 'till-screen' });
    // The display comes back once the prompt has ended.
    expect((await untilScreen(eposd, 'the display again', (x) => x.screen === 'display')).display?.total).toBe(250);
    await client.clearDisplay();
  });
});
