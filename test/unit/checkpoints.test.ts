import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Checkpoints, PAYMENTS_PER_CHECKPOINT } from '../../src/db/checkpoints';
import { openDatabase, type Db } from '../../src/db/open';
import { capturingLogger } from '../helpers/payments';

// The write-ahead log copied into the database file between payments: what reaches the file, and when.
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('checkpoints between payments', () => {
  let dir: string;
  let db: Db;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'eposd-checkpoints-'));
    file = join(dir, 'eposd.db');
    db = openDatabase(file);
    // Everything the migrations wrote is in the file; from here on, only the log grows.
    db.pragma('wal_checkpoint(TRUNCATE)');
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const write = () => {
    const insert = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 200; i++) insert.run(`k${i}`, 'x'.repeat(200));
    })();
  };

  it('copies the log into the file a turn after every PAYMENTS_PER_CHECKPOINT-th payment, not before', async () => {
    const checkpoints = new Checkpoints(db, capturingLogger('error').logger);
    const before = statSync(file).size;
    write();
    for (let i = 1; i < PAYMENTS_PER_CHECKPOINT; i++) checkpoints.paymentEnded();
    await nextTurn();
    expect(statSync(file).size).toBe(before);

    checkpoints.paymentEnded();
    expect(statSync(file).size).toBe(before);
    await nextTurn();
    expect(statSync(file).size).toBeGreaterThan(before);
  });

  it('does nothing once stopped', async () => {
    const checkpoints = new Checkpoints(db, capturingLogger('error').logger, 1);
    const before = statSync(file).size;
    write();
    checkpoints.paymentEnded();
    checkpoints.stop();
    await nextTurn();
    expect(statSync(file).size).toBe(before);
  });

  it('leaves a database closed meanwhile alone, without an error (a shutdown between the payment and its turn)', async () => {
    const { logger, lines } = capturingLogger('debug');
    const checkpoints = new Checkpoints(db, logger, 1);
    checkpoints.paymentEnded();
    db.close();
    await nextTurn();
    expect(lines).toEqual([]);
    db = openDatabase(file);
  });

  it('logs a checkpoint SQLite refuses, and goes on', async () => {
    const { logger, lines } = capturingLogger('warn');
    const refusing = {
      open: true,
      pragma: () => {
        throw new Error('disk I/O error');
      },
    } as unknown as Db;
    const checkpoints = new Checkpoints(refusing, logger, 1);
    checkpoints.paymentEnded();
    await nextTurn();
    checkpoints.paymentEnded();
    await nextTurn();
    expect(lines.map((l) => l.msg)).toEqual(['write-ahead log checkpoint failed', 'write-ahead log checkpoint failed']);
  });
});
