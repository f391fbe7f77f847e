import { PRINTABLE_PATTERN } from '../shared/schema-types';
import type { PromptRequest, SignatureValue } from './prompts.schemas';
import { signatureValue, type SignatureInput } from './signature';

/** Why an answer was refused, as a message key of the prompt's language (src/i18n) and its values. */
export type Refusal = { key: 'invalid.required' | 'invalid.email' | 'invalid.phone' | 'invalid.number' | 'invalid.text' | 'invalid.choice' | 'invalid.signature'; values?: Record<string, string> };

export type Checked = { ok: true; value: boolean | string[] | string | number | SignatureValue } | { ok: false; refusal: Refusal };

const PRINTABLE = new RegExp(PRINTABLE_PATTERN, 'u');
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

const refuse = (key: Refusal['key'], values?: Record<string, string>): Checked => ({ ok: false, refusal: { key, ...(values ? { values } : {}) } });

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

/** A number as typed (a dot or a comma for the decimals) within the prompt's bounds and decimals. */
export function parseNumber(raw: unknown, p: { min?: number; max?: number; decimals?: number }): number | undefined {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim().replace(',', '.') : '';
  const decimals = p.decimals ?? 0;
  const match = /^-?[0-9]{1,13}(\.([0-9]+))?$/.exec(text);
  if (!match || (match[2]?.length ?? 0) > decimals) return undefined;
  const value = Number(text);
  if ((p.min !== undefined && value < p.min) || (p.max !== undefined && value > p.max)) return undefined;
  return value;
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
      if ([...text].length > max || !PRINTABLE.test(text)) return refuse('invalid.text', { max: String(max) });
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
      const value = parseNumber(raw, p);
      return value === undefined ? refuse('invalid.number', { min: String(p.min ?? '−∞'), max: String(p.max ?? '∞'), decimals: String(p.decimals ?? 0) }) : { ok: true, value };
    }
    case 'signature': {
      const value = signatureValue(raw as SignatureInput);
      return value ? { ok: true, value } : refuse('invalid.signature');
    }
  }
}
