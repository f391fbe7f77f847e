import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EndedPrompt, OpenPrompt, PromptAck } from '../../src/prompts/prompts.schemas';
import { httpsJson } from '../helpers/http';
import { cleanupEposd, makeTempDir, startEposd, type EposdProcess } from '../helpers/process';
import { auth, pairWithScreenCode, screenAction, screenState } from '../helpers/terminal';

// A kill -9 while a prompt is open on the screen: after the restart it is CANCELLED with a reason,
// never open again, never answered twice; one answered before the kill keeps its answer (sealed under
// the terminal's key, which survives the restart), and the process prints nothing of it.

const ENV = { EPOSD_SIM_MODE: 'manual', EPOSD_LOG_LEVEL: 'debug' };
const EMAIL = 'kill.nine@example.org';

describe('When the terminal is killed with a prompt open on its screen and started again', () => {
  afterAll(cleanupEposd);

  it('then the prompt is CANCELLED / TERMINAL_RESTARTED, cannot be answered, and a retry replays it without opening it again', async () => {
    const dataDir = makeTempDir('eposd-data-');
    const certDir = makeTempDir('eposd-certs-');
    let eposd: EposdProcess = await startEposd({ dataDir, certDir, env: ENV });
    const { authToken: token } = await pairWithScreenCode(eposd, { registerId: 'till-1' });
    const call = <T>(method: string, path: string, body?: unknown) => httpsJson<T>(`${eposd.apiUrl}${path}`, { method, headers: auth(token), body });

    // One answered before the kill, one left open on the screen.
    const answered = (await call<PromptAck>('POST', '/prompt', { promptId: 'email-1', type: 'email', title: 'Email for the receipt?' })).body.promptId;
    await screenAction(eposd, { action: 'answerPrompt', promptId: answered, value: EMAIL });
    const body = { promptId: 'sign-1', type: 'signature', title: 'Sign for the delivery', required: true };
    expect((await call<PromptAck>('POST', '/prompt', body)).status).toBe(200);
    expect((await screenState(eposd)).screen).toBe('prompt');
    expect((await call<OpenPrompt>('GET', '/prompt?promptId=sign-1')).status).toBe(202);

    eposd.kill('SIGKILL');
    expect(await eposd.waitForExit()).toMatchObject({ signal: 'SIGKILL' });
    const printed = [...eposd.stdout(), ...eposd.stderr()].join('\n');
    eposd = await startEposd({ dataDir, certDir, env: ENV });

    const after = await call<EndedPrompt>('GET', '/prompt?promptId=sign-1');
    expect(after).toMatchObject({ status: 200, body: { status: 'CANCELLED', statusReason: 'TERMINAL_RESTARTED' } });
    expect((await screenState(eposd)).screen).not.toBe('prompt');
    const late = await httpsJson(`${eposd.screenUrl}screen/actions`, {
      method: 'POST',
      body: {
        action: 'answerPrompt',
        promptId: 'sign-1',
        value: {
          width: 400,
          height: 150,
          strokes: [
            [
              [10, 10],
              [300, 100],
            ],
          ],
        },
      },
    });
    expect(late).toMatchObject({ status: 409, body: { code: 'ACTION_NOT_POSSIBLE' } });
    // The same request again: its acknowledgement, and the prompt stays as it ended.
    expect((await call<PromptAck>('POST', '/prompt', body)).body.promptId).toBe('sign-1');
    expect((await screenState(eposd)).screen).not.toBe('prompt');
    expect((await call<EndedPrompt>('GET', '/prompt?promptId=sign-1')).body).toMatchObject({ status: 'CANCELLED', statusReason: 'TERMINAL_RESTARTED' });

    // The answer of before is still there for the POS, and in the files only sealed.
    expect((await call<EndedPrompt>('GET', `/prompt?promptId=${answered}`)).body).toMatchObject({ status: 'ANSWERED', value: EMAIL });
    const db = new Database(join(dataDir, 'eposd.db'), { readonly: true });
    try {
      const rows = db.prepare('SELECT prompt_id AS promptId, status, status_reason AS reason FROM prompts ORDER BY id').all();
      expect(rows).toEqual([
        { promptId: 'email-1', status: 'ANSWERED', reason: null },
        { promptId: 'sign-1', status: 'CANCELLED', reason: 'TERMINAL_RESTARTED' },
      ]);
    } finally {
      db.close();
    }
    expect(printed + [...eposd.stdout(), ...eposd.stderr()].join('\n')).not.toContain('kill.nine');
    await eposd.stop();
    // Nor in the database file or its log, in any encoding a scan would find.
    for (const file of ['eposd.db', 'eposd.db-wal'].map((f) => join(dataDir, f)).filter((f) => existsSync(f))) {
      const bytes = readFileSync(file);
      expect(bytes.includes(Buffer.from('kill.nine'))).toBe(false);
      expect(bytes.includes(Buffer.from('kill.nine', 'utf16le'))).toBe(false);
    }
  });
});
