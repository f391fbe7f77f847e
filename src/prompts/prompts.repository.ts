import type { Db } from '../db/open';
import type { EndedStatus, PromptReason, PromptStatus, PromptType } from './model';

export interface PromptRow {
  id: number;
  promptId: string;
  registerId: string;
  type: PromptType;
  /** The prompt as asked, without its id (JSON). */
  request: string;
  requestHash: Buffer;
  status: PromptStatus;
  statusReason: PromptReason | null;
  /** ANSWERED: the sealed answer (answer-box.ts) until it is erased. */
  answer: Buffer | null;
  createdAt: number;
  expiresAt: number;
  endedAt: number | null;
  answerErasedAt: number | null;
}

const COLUMNS = `id, prompt_id AS promptId, register_id AS registerId, type, request, request_hash AS requestHash, status, status_reason AS statusReason,
  answer, created_at AS createdAt, expires_at AS expiresAt, ended_at AS endedAt, answer_erased_at AS answerErasedAt`;

/** The prompts table: every statement on it. */
export class PromptsRepository {
  private readonly insertStmt;
  private readonly byIdStmt;
  private readonly openStmt;
  private readonly endStmt;
  private readonly endAllOpenStmt;
  private readonly eraseStmt;
  private readonly eraseDueStmt;
  private readonly nextErasureStmt;
  private readonly purgeStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(`
      INSERT INTO prompts (prompt_id, register_id, type, request, request_hash, status, created_at, expires_at)
      VALUES (@promptId, @registerId, @type, @request, @requestHash, 'OPEN', @createdAt, @expiresAt)`);
    this.byIdStmt = db.prepare<[string], PromptRow>(`SELECT ${COLUMNS} FROM prompts WHERE prompt_id = ?`);
    this.openStmt = db.prepare<[], PromptRow>(`SELECT ${COLUMNS} FROM prompts WHERE status = 'OPEN'`);
    // Only an open prompt ends: a late answer, a second answer or a cancel after it changes nothing.
    this.endStmt = db.prepare(`UPDATE prompts SET status = @status, status_reason = @reason, answer = @answer, ended_at = @at WHERE prompt_id = @promptId AND status = 'OPEN'`);
    this.endAllOpenStmt = db.prepare(
      `UPDATE prompts SET status = 'CANCELLED', status_reason = @reason, ended_at = @at WHERE status = 'OPEN' RETURNING prompt_id AS promptId, register_id AS registerId`,
    );
    this.eraseStmt = db.prepare(`UPDATE prompts SET answer = NULL, answer_erased_at = @at WHERE answer IS NOT NULL AND (register_id = @registerId OR @registerId = '*')`);
    // A wall clock set back must not keep an answer longer: one ended "in the future" goes too.
    this.eraseDueStmt = db.prepare(`UPDATE prompts SET answer = NULL, answer_erased_at = @at WHERE answer IS NOT NULL AND (ended_at <= @before OR ended_at > @at)`);
    this.nextErasureStmt = db.prepare<[], number | null>(`SELECT min(ended_at) FROM prompts WHERE answer IS NOT NULL`).pluck();
    this.purgeStmt = db.prepare(`DELETE FROM prompts WHERE status <> 'OPEN' AND (ended_at <= @before OR ended_at > @at)`);
  }

  insert(row: Pick<PromptRow, 'promptId' | 'registerId' | 'type' | 'request' | 'requestHash' | 'createdAt' | 'expiresAt'>): void {
    this.insertStmt.run(row);
  }

  find(promptId: string): PromptRow | undefined {
    return this.byIdStmt.get(promptId);
  }

  open(): PromptRow | undefined {
    return this.openStmt.get();
  }

  /** Ends an open prompt; false when it had already ended. */
  end(promptId: string, status: EndedStatus, reason: PromptReason | null, answer: Buffer | null, at: number): boolean {
    return this.endStmt.run({ promptId, status, reason, answer, at }).changes > 0;
  }

  /** Every prompt left open (by a process that stopped without ending it) ends CANCELLED. */
  cancelAllOpen(reason: PromptReason, at: number): { promptId: string; registerId: string }[] {
    return this.endAllOpenStmt.all({ reason, at }) as { promptId: string; registerId: string }[];
  }

  /** Erases the answers of one register ('*': every one). */
  eraseFor(registerId: string, at: number): number {
    return this.eraseStmt.run({ registerId, at }).changes;
  }

  /** Erases the answers that came at or before `before`; returns how many. */
  eraseDue(before: number, at: number): number {
    return this.eraseDueStmt.run({ before, at }).changes;
  }

  /** When the oldest answer still kept came (null: none kept). */
  oldestAnswerAt(): number | null {
    return this.nextErasureStmt.get() ?? null;
  }

  /** Deletes the prompts that ended at or before `before` (their ids may be used again). */
  purge(before: number, at: number): number {
    return this.purgeStmt.run({ before, at }).changes;
  }
}
