import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import { ValidationError } from '../shared/errors';
import type { OpenPrompt, PromptRequest } from './prompts.schemas';
import type { PromptRow } from './prompts.repository';

/** What a retry with the same promptId must match: the request without its promptId, the order of its keys aside. */
export const requestHash = (prompt: Omit<PromptRequest, 'promptId'>): Buffer => createHash('sha256').update(stringify(prompt)).digest().subarray(0, 16);

export const iso = (ms: number) => new Date(ms).toISOString();

/** What the schema cannot say: options with ids of their own, a number's bounds in order. */
export function checkShape(p: PromptRequest): void {
  if (p.type === 'select' && new Set(p.options.map((o) => o.id)).size !== p.options.length) throw new ValidationError([{ field: 'options', message: 'must have different ids' }]);
  if (p.type === 'number' && p.min !== undefined && p.max !== undefined && p.min > p.max) throw new ValidationError([{ field: 'min', message: 'must not be above max' }]);
}

export function openBody(row: PromptRow): OpenPrompt {
  return { promptId: row.promptId, type: row.type, registerId: row.registerId, status: 'OPEN', createdAt: iso(row.createdAt), expiresAt: iso(row.expiresAt) };
}
