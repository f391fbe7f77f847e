import { isCorruption } from '../db/storage-health';
import { ApiError, problemBody } from '../shared/errors';
import type { Logger } from '../shared/logger';

// SQLite's answers that mean the storage, not the request, is at fault.
const STORAGE_FAILURES = new Set(['SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_BUSY', 'SQLITE_LOCKED']);

/** The client-facing error for what was thrown, or undefined for a fault that must stay unexplained (a 500). */
export function toApiError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (isCorruption(err)) return new ApiError('STORAGE_CORRUPT', "Part of the terminal's database is damaged and could not be read. A technician must recover it.");
  const e = err as { code?: string };
  if (typeof e?.code === 'string' && STORAGE_FAILURES.has(e.code.split('_').slice(0, 2).join('_'))) {
    return new ApiError('STORAGE_UNAVAILABLE', 'The terminal cannot write to its storage. Nothing was recorded; try again later.');
  }
  return undefined;
}

/** The answer for an error: its problem, or a 500 that says nothing of why. */
export function problemAnswer(err: unknown, logger: Logger): { status: number; body: unknown; headers: Record<string, string> } {
  const known = toApiError(err);
  if (!known || (known.status >= 500 && !known.reported)) logger.error({ err }, 'request failed');
  const problem = known ?? new ApiError('INTERNAL_ERROR', 'The terminal could not complete the request.');
  const headers: Record<string, string> = problem.code === 'UNAUTHORIZED' ? { 'WWW-Authenticate': 'Bearer realm="eposd"' } : { ...problem.headers };
  return { status: problem.status, body: problemBody(problem), headers };
}
