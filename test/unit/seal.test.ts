import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/open';
import { testContext, type TestContext } from '../helpers/context';
import { INSTANT_SIMULATOR_ENV, untilIdleAfter } from '../helpers/payments';
import { flipBit } from '../helpers/damage';
import { cleanupEposd, makeTempDir } from '../helpers/process';

// Issue 26 item 1: SQLite keeps no checksum of a page of the database file, so a flipped bit in a row's
// content read back as another amount or outcome, and no check saw it. Each transaction is sealed.

describe('When a transaction record no longer reads as it was written', () => {
  let file: string;
  let t: TestContext;
  afterEach(() => t.ctx.destroy());
  afterAll(cleanupEposd);

  async function paid(): Promise<string> {
    file = join(makeTempDir('eposd-seal-'), 'eposd.db');
    t = testContext({ env: INSTANT_SIMULATOR_ENV, db: openDatabase(file) });
    t.ctx.start();
    const { uti } = t.ctx.transactions.start({ transType: 'SALE', amountTrans: 1000 }, 'till-1', true);
    await untilIdleAfter(t.ctx, uti);
    return uti;
  }

  it('When it is read, then the read answers STORAGE_CORRUPT and the terminal stops taking payments', async () => {
    const uti = await paid();
    expect(t.ctx.transactions.status(uti)?.final).toBe(true);
    // As a flipped bit leaves it: another amount, the seal as it was.
    t.ctx.db.prepare('UPDATE transactions SET amount = 1008 WHERE uti = ?').run(uti);
    const err = catching(() => t.ctx.transactionsRepo.findByUti(uti));
    expect((err as { code?: string }).code).toBe('EPOSD_DAMAGED_RECORD');
    t.ctx.storage.observe(err);
    expect(t.ctx.storage.state.name).toBe('CORRUPT');
    expect(() => t.ctx.transactions.start({ transType: 'SALE', amountTrans: 500 }, 'till-1', true)).toThrow(/STORAGE_CORRUPT/);
  });

  it('When the terminal starts on it, then the start check finds it and names the transaction', async () => {
    const uti = await paid();
    t.ctx.db.prepare("UPDATE transactions SET auth_code = '999999' WHERE uti = ?").run(uti);
    t.ctx.destroy();
    t = testContext({ env: INSTANT_SIMULATOR_ENV, db: openDatabase(file) });
    t.ctx.start();
    const state = t.ctx.storage.state;
    expect(state.name).toBe('CORRUPT');
    expect(state.name === 'CORRUPT' && state.detail).toContain(`1 transaction record(s) do not read as they were written: ${uti}`);
  });

  it('When nothing was damaged, then every record reads as sealed across a restart', async () => {
    await paid();
    t.ctx.destroy();
    t = testContext({ env: INSTANT_SIMULATOR_ENV, db: openDatabase(file) });
    t.ctx.start();
    expect(t.ctx.storage.state.name).toBe('OK');
  });
});

function catching(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('it did not throw');
}

describe("When a key of the UTI's index is damaged", () => {
  afterAll(cleanupEposd);

  it('When the terminal starts, then the check finds the transaction its index no longer leads to', async () => {
    const file = join(makeTempDir('eposd-seal-'), 'eposd.db');
    let t = testContext({ env: INSTANT_SIMULATOR_ENV, db: openDatabase(file) });
    t.ctx.start();
    const { uti } = t.ctx.transactions.start({ transType: 'SALE', amountTrans: 1000, uti: 'index-victim-0123456789' }, 'till-1', true);
    await untilIdleAfter(t.ctx, uti);
    t.ctx.db.pragma('wal_checkpoint(TRUNCATE)');
    const page = t.ctx.db.prepare(`SELECT pageno FROM dbstat WHERE name = 'sqlite_autoindex_transactions_1' AND pagetype = 'leaf'`).pluck().get() as number;
    t.ctx.destroy();
    // One bit of the key, as the disk leaves it: the row itself is untouched and its seal holds.
    const bytes = readFileSync(file);
    const at = bytes.indexOf(uti, (page - 1) * 4096);
    expect(at).toBeLessThan(page * 4096);
    flipBit(file, at + 5, 1);
    t = testContext({ env: INSTANT_SIMULATOR_ENV, db: openDatabase(file) });
    t.ctx.start();
    const state = t.ctx.storage.state;
    t.ctx.destroy();
    expect(state.name === 'CORRUPT' && state.detail).toContain(`do not read as they were written: ${uti}`);
  });
});
