import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/open';
import { StartupError } from '../../src/shared/startup-error';
import { cleanupEposd, makeTempDir } from '../helpers/process';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('openDatabase', () => {
  let umask: number;
  beforeEach(() => (umask = process.umask(0o022)));
  afterEach(() => process.umask(umask));
  afterAll(cleanupEposd);

  it('When it creates the data directory and the database under a permissive umask, then the directory is 0700 and the database, WAL and SHM 0600', () => {
    process.umask(0);
    const dir = join(makeTempDir(), 'data');
    const db = openDatabase(join(dir, 'eposd.db'));
    db.prepare(`INSERT INTO settings (key, value) VALUES ('k', 'v')`).run();
    expect(mode(dir)).toBe(0o700);
    for (const f of ['eposd.db', 'eposd.db-wal', 'eposd.db-shm']) expect([f, mode(join(dir, f))]).toEqual([f, 0o600]);
    db.close();
  });

  it('When an existing directory and database are readable by anyone, then they are made private at the start', () => {
    const dir = makeTempDir();
    const file = join(dir, 'eposd.db');
    openDatabase(file).close();
    for (const [path, m] of [
      [dir, 0o755],
      [file, 0o644],
    ] as const)
      chmodSync(path, m);
    openDatabase(file).close();
    expect([mode(dir), mode(file)]).toEqual([0o700, 0o600]);
  });

  it('When the database file is empty, then the start is refused, naming the file and the deliberate act that would start afresh', () => {
    const dir = makeTempDir();
    const file = join(dir, 'eposd.db');
    writeFileSync(file, '');
    expect(() => openDatabase(file)).toThrow(StartupError);
    expect(() => openDatabase(file)).toThrow(new RegExp(`^${file}: is empty \\(0 bytes\\).*EPOSD_ACCEPT_NEW_IDENTITY=true`));
    expect(statSync(file).size).toBe(0);
  });

  it('When the database file is empty and a new identity is accepted, then the empty file is set aside, not deleted, and the act is noted', () => {
    const dir = makeTempDir();
    const file = join(dir, 'eposd.db');
    writeFileSync(file, '');
    const notes: string[] = [];
    openDatabase(file, { acceptNewIdentity: true, notes }).close();
    expect(readdirSync(dir).filter((f) => /^eposd\.db\.empty-\d{8}T\d{6}Z$/.test(f))).toHaveLength(1);
    expect(notes).toEqual([expect.stringMatching(/was empty: it was set aside as .*eposd\.db\.empty-/)]);
  });

  it('When the file is not a database, then the message names it, says what is wrong and what to do', () => {
    const file = join(makeTempDir(), 'eposd.db');
    writeFileSync(file, 'not a database at all, but long enough to have a header of sorts: '.repeat(100));
    expect(() => openDatabase(file)).toThrow(
      `${file}: is not a database: its header is damaged, or it is another kind of file. Keep the file, do not delete it, and follow "A damaged database" in docs/reliability.md`,
    );
  });

  it('When the database cannot be opened, then the message names it and what to check', () => {
    const file = join(makeTempDir(), 'eposd.db');
    mkdirSync(file);
    expect(() => openDatabase(file)).toThrow(new RegExp(`^${file}: cannot be opened for writing \\(SQLITE_CANTOPEN\\)\\. Check that it and its directory \\(EPOSD_DATA_DIR\\)`));
  });
});
