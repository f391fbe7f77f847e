import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync, openSync, closeSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { asideName, StartupError } from '../shared/startup-error';
import { migrate } from './migrate';

export type Db = Database.Database;

export interface OpenOptions {
  /** EPOSD_ACCEPT_NEW_IDENTITY: an empty database file is set aside and the terminal starts as a new one. */
  acceptNewIdentity?: boolean;
  /** What was done that the technician must hear of (logged, on the screen, in diagnostics). */
  notes?: string[];
  now?: Date;
}

const RECOVER = 'Keep the file, do not delete it, and follow "A damaged database" in docs/reliability.md (backup, recover, verify)';

/**
 * Opens (or creates) the database and brings its schema up to date.
 * @NOTE synchronous=FULL: money is at stake, so a commit is on disk before anything is acknowledged,
 * even across a power loss. WAL keeps readers from waiting on that writer.
 * @NOTE The directory is 0700 and the files 0600 whatever the umask: the database holds each register's
 * webhook signing secret (docs/decisions.md).
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  if (file !== ':memory:') prepareFile(file, options);
  let db: Db | undefined;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // 1 MiB of page cache instead of SQLite's 2: the pages a terminal reads again and again (the
    // payments of the day, the upper levels of the indexes) fit, and the rest is in the OS's file cache.
    db.pragma('cache_size = -1024');
    // Sorts and temporary indexes in memory, never in a file: SQLite would look for /var/tmp, /usr/tmp,
    // /tmp or the working directory, none of which an Android app may write (docs/android.md).
    db.pragma('temp_store = MEMORY');
    migrate(db);
  } catch (err) {
    db?.close();
    throw explain(file, err);
  }
  if (file !== ':memory:') for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
  return db;
}

function prepareFile(file: string, options: OpenOptions): void {
  const dir = dirname(file);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
  } catch (err) {
    throw new StartupError(dir, `the data directory cannot be created or made private (${(err as NodeJS.ErrnoException).code})`, 'Set EPOSD_DATA_DIR to a directory owned by the user eposd runs as');
  }
  const size = sizeOf(file);
  if (size === 0 && !sizeOf(`${file}-wal`)) {
    // An empty file is not a first start: the TID, the history, the batch and the pairings were in it.
    if (!options.acceptNewIdentity) {
      throw new StartupError(
        file,
        "is empty (0 bytes): this terminal's TID, transactions, batch and pairings are not in it",
        'Restore it from a backup (docs/reliability.md). To start this terminal afresh as a new one (new TID, no history, every POS pairs again), start it once with EPOSD_ACCEPT_NEW_IDENTITY=true',
      );
    }
    const aside = asideName(file, 'empty', options.now ?? new Date());
    renameSync(file, aside);
    options.notes?.push(`The database ${file} was empty: it was set aside as ${aside} and the terminal started as a new one (EPOSD_ACCEPT_NEW_IDENTITY).`);
  }
  // Created here, 0600, rather than by SQLite under the umask; SQLite gives the WAL and SHM the same mode.
  if (!existsSync(file)) closeSync(openSync(file, 'wx', 0o600));
}

function sizeOf(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
}

function explain(file: string, err: unknown): Error {
  const code = (err as { code?: string }).code ?? '';
  if (code === 'SQLITE_NOTADB') return new StartupError(file, 'is not a database: its header is damaged, or it is another kind of file', RECOVER);
  if (code.startsWith('SQLITE_CORRUPT')) return new StartupError(file, 'is damaged: SQLite could not read its schema', RECOVER);
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_PERM')) {
    return new StartupError(
      file,
      `cannot be opened for writing (${code})`,
      'Check that it and its directory (EPOSD_DATA_DIR) belong to the user eposd runs as and that the disk is mounted read-write',
    );
  }
  if (code.startsWith('SQLITE_FULL') || code.startsWith('SQLITE_IOERR')) return new StartupError(file, `cannot be written (${code})`, 'Check the disk: free space, and the system log for I/O errors');
  if (err instanceof Error && /newer than this eposd/.test(err.message)) return new StartupError(file, err.message, 'Run the eposd version that wrote it, or a newer one');
  return err as Error;
}
