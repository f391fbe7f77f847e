import type { MessageKey } from '../i18n';
import { PRINTABLE_PATTERN } from '../shared/schema-types';
import type { PromptRequest, SignatureValue } from './prompts.schemas';
import { signatureValue, type SignatureInput } from './signature';

/** Why an answer was refused, as a message key of the prompt's language (src/i18n) and its values (numbers written in that language). */
export type Refusal = { key: RefusalKey; values?: Record<string, number> };
type RefusalKey = Extract<MessageKey, `invalid.${string}`>;

export type Checked = { ok: true; value: boolean | string[] | string | number | SignatureValue } | { ok: false; refusal: Refusal };

const PRINTABLE = new RegExp(PRINTABLE_PATTERN, 'u');
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

const refuse = (key: RefusalKey, values?: Record<string, number>): Checked => ({ ok: false, refusal: { key, ...(values ? { values } : {}) } });

/** An email address as one is written to be delivered: trimmed, one @, a dotted domain with a word at the end; the domain in lower case. */
export function normaliseEmail(raw: string): string | undefined {
  const text = raw.trim();
  const at = text.lastIndexOf('@');
  if (text.length > 254 || at < 1) return undefined;
  const local = text.slice(0, at);
  const labels = text
    .slice(at + 1)
    .toLowerCase()
    .split('.');
  if (local.length > 64 || !LOCAL_PART.test(local)) return undefined;
  if (labels.length < 2 || !labels.every((l) => DOMAIN_LABEL.test(l)) || !/^[a-z]{2,63}$/.test(labels.at(-1)!)) return undefined;
  return `${local}@${labels.join('.')}`;
}

/** A phone number in E.164 (+ and 7 to 15 digits) from what was typed: spaces, dashes, dots, slashes and brackets go; 00 is +. */
export function normalisePhone(raw: string): string | undefined {
  const compact = raw
    .trim()
    .replace(/[\s\-./()]/g, '')
    .replace(/^00/, '+');
  return /^\+[1-9][0-9]{6,14}$/.test(compact) ? compact : undefined;
}

/**
 * A number as typed (a dot or a comma for the decimals) within the prompt's bounds and decimals, or
 * why not: the cardholder is told which rule it broke.
 */
export function parseNumber(raw: unknown, p: { min?: number; max?: number; decimals?: number }): { ok: true; value: number } | { ok: false; refusal: Refusal } {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim().replace(',', '.') : '';
  const decimals = p.decimals ?? 0;
  const match = /^-?[0-9]{1,13}(\.([0-9]+))?$/.exec(text);
  if (!match) return { ok: false, refusal: { key: 'invalid.number' } };
  if ((match[2]?.length ?? 0) > decimals) return { ok: false, refusal: decimals === 0 ? { key: 'invalid.whole' } : { key: 'invalid.decimals', values: { decimals } } };
  const value = Number(text);
  const { min, max } = p;
  if ((min === undefined || value >= min) && (max === undefined || value <= max)) return { ok: true, value };
  if (min !== undefined && max !== undefined) return { ok: false, refusal: { key: 'invalid.range', values: { min, max } } };
  return { ok: false, refusal: min !== undefined ? { key: 'invalid.atLeast', values: { min } } : { key: 'invalid.atMost', values: { max: max! } } };
}

/**
 * The answer the cardholder gave on the screen, checked against what was asked and normalised; a
 * refusal names why, in words the screen shows in the prompt's language. Nothing here logs the answer.
 */
export function checkAnswer(p: PromptRequest, raw: unknown): Checked {
  switch (p.type) {
    case 'confirm':
      return typeof raw === 'boolean' ? { ok: true, value: raw } : refuse('invalid.required');
    case 'select': {
      const ids = Array.isArray(raw) ? raw : [];
      const known = new Set(p.options.map((o) => o.id));
      if (ids.length === 0) return refuse('invalid.required');
      if (new Set(ids).size !== ids.length || !ids.every((id) => typeof id === 'string' && known.has(id)) || (!p.multiple && ids.length > 1)) return refuse('invalid.choice');
      // In the order the options were offered, whatever order they were tapped in.
      return { ok: true, value: p.options.map((o) => o.id).filter((id) => ids.includes(id)) };
    }
    case 'text': {
      const max = p.maxLength ?? 200;
      const text = typeof raw === 'string' ? raw.trim() : '';
      if (text.length === 0) return refuse('invalid.required');
      if (!PRINTABLE.test(text)) return refuse('invalid.characters');
      if ([...text].length > max) return refuse('invalid.text', { max });
      return { ok: true, value: text };
    }
    case 'email': {
      if (typeof raw !== 'string' || raw.trim() === '') return refuse('invalid.required');
      const email = normaliseEmail(raw);
      return email ? { ok: true, value: email } : refuse('invalid.email');
    }
    case 'phone': {
      if (typeof raw !== 'string' || raw.trim() === '') return refuse('invalid.required');
      const phone = normalisePhone(raw);
      return phone ? { ok: true, value: phone } : refuse('invalid.phone');
    }
    case 'number': {
      if (raw === '' || raw === undefined || raw === null) return refuse('invalid.required');
      return parseNumber(raw, p);
    }
    case 'signature': {
      const value = signatureValue(raw as SignatureInput);
      return value ? { ok: true, value } : refuse('invalid.signature');
    }
  }
}
