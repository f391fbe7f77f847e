import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatedHost } from '../../src/host/host.simulator';
import { ids } from '../../src/shared/ids';
import { silentLogger } from '../../src/shared/logger';
import { expectAny } from '../helpers/matchers';

const request = { uti: 'journal-1', transType: 'SALE', amount: 1000, currency: 'EUR', hostData: null, pinVerified: false, originalUti: null, originalAuthCode: null };

describe('The simulated host journal (EPOSD_SIM_HOST_JOURNAL)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eposd-host-journal-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('When the host receives a message, then its line is on disk before the host answers', async () => {
    const journal = join(dir, 'host.jsonl');
    const host = new SimulatedHost({ authDelayMs: 50, lateAnswerMs: 100, ids, logger: silentLogger, journal });
    const answer = host.authorize(request);
    const reversal = host.reverse('journal-1', 'TERMINAL_RESTARTED');
    // Nothing awaited yet: a kill now would find both lines already written.
    const lines = readFileSync(journal, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual([
      { at: expectAny(String), message: 'authorization', uti: 'journal-1', transType: 'SALE' },
      { at: expectAny(String), message: 'reversal', uti: 'journal-1', reason: 'TERMINAL_RESTARTED' },
    ]);
    await Promise.all([answer, reversal]);
  });
});
