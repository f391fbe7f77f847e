import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKPOINT_QUIET_MS, Checkpoints, PAYMENTS_PER_CHECKPOINT } from '../../src/db/checkpoints';
import { openDatabase, type Db } from '../../src/db/open';
import { capturingLogger } from '../helpers/payments';

// The write-ahead log copied into the database file while the terminal is idle: what reaches the file, and when.
describe('checkpoints between payments', () => {
  let dir: string;
  let db: Db;
  let file: string;
  let idle: boolean;
  beforeEach(() => {
    jest.useFakeTimers();
    dir = mkdtempSync(join(tmpdir(), 'eposd-checkpoints-'));
    file = join(dir, 'eposd.db');
    db = openDatabase(file);
    // Everything the migrations wrote is in the file; from here on, only the log grows.
    db.pragma('wal_checkpoint(TRUNCATE)');
    idle = true;
  });
  afterEach(() => {
    jest.useRealTimers();
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const checkpointsWith = (logger = capturingLogger('error').logger) => new Checkpoints(db, { logger, idle: () => idle });
  const write = () => {
    const insert = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 200; i++) insert.run(`k${Math.random()}`, 'x'.repeat(200));
    })();
  };
  const endPayments = (checkpoints: Checkpoints, n: number) => {
    for (let i = 0; i < n; i++) checkpoints.paymentEnded();
  };

  it('copies the log into the file once PAYMENTS_PER_CHECKPOINT payments have ended and the terminal has been idle CHECKPOINT_QUIET_MS', () => {
    const checkpoints = checkpointsWith();
    const before = statSync(file).size;
    write();
    endPayments(checkpoints, PAYMENTS_PER_CHECKPOINT - 1);
    jest.advanceTimersByTime(CHECKPOINT_QUIET_MS * 10);
    expect(statSync(file).size).toBe(before);

    checkpoints.paymentEnded();
    jest.advanceTimersByTime(CHECKPOINT_QUIET_MS - 1);
    expect(statSync(file).size).toBe(before);
    jest.advanceTimersByTime(1);
    expect(statSync(file).size).toBeGreaterThan(before);
  });

  it('waits while payments follow each other closer than the quiet time, and while one is running', () => {
    const checkpoints = checkpointsWith();
    const before = statSync(file).size;
    write();
    endPayments(checkpoints, PAYMENTS_PER_CHECKPOINT);
    for (let i = 0; i < 5; i++) {
      jest.advanceTimersByTime(CHECKPOINT_QUIET_MS - 1);
      checkpoints.paymentEnded();
    }
    idle = false;
    jest.advanceTimersByTime(CHECKPOINT_QUIET_MS);
    expect(statSync(file).size).toBe(before);

    idle = true;
    checkpoints.paymentEnded();
    jest.advanceTimersByTime(CHECKPOINT_QUIET_MS);
    expect(statSync(file).size).toBeGreaterThan(before);
  });

  it('does nothing once stopped', () => {
    const checkpoints = checkpointsWith();
    const before = statSync(file).size;
    write();
    endPayments(checkpoints, PAYMENTS_PER_CHECKPOINT);
    checkpoints.stop();
    jest.advanceTimersByTime(CHECKPOINT_QUIET_MS);
    expect(statSync(file).size).toBe(before);
  });

  it('leaves a database closed meanwhile alone, without an error (a shutdown during the quiet time)', () => {
    const { logger, lines } = capturingLogger('debug');
    const checkpoints = checkpointsWith(logger);
    endPayments(checkpoints, PAYMENTS_PER_CHECKPOINT);
    db.close();
    jest.advanceTimersByTime(CHECKPOINT_QUIET_MS);
    expect(lines).toEqual([]);
  });

  it('logs a checkpoint SQLite refuses, and goes on', () => {
    const { logger, lines } = capturingLogger('warn');
    const refusing = {
      open: true,
      pragma: () => {
        throw new Error('disk I/O error');
      },
    } as unknown as Db;
    const checkpoints = new Checkpoints(refusing, { logger, idle: () => true, every: 1 });
    checkpoints.paymentEnded();
    jest.advanceTimersByTime(CHECKPOINT_QUIET_MS);
    checkpoints.paymentEnded();
    jest.advanceTimersByTime(CHECKPOINT_QUIET_MS);
    expect(lines.map((l) => l.msg)).toEqual(['write-ahead log checkpoint failed', 'write-ahead log checkpoint failed']);
  });
});
