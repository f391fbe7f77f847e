import { messagesFor, type Locale, type MessageKey } from '../i18n';
import type { Refusal } from './answers';
import type { PromptType } from './model';
import type { PromptRequest } from './prompts.schemas';

/** A prompt as the screen draws it, in the prompt's language: never the answer. */
export interface PromptView {
  promptId: string;
  type: PromptType;
  title: string;
  body?: string;
  required: boolean;
  expiresAt: string;
  locale: Locale;
  options?: { id: string; label: string }[];
  multiple?: boolean;
  min?: number;
  max?: number;
  decimals?: number;
  unit?: string;
  maxLength?: number;
  callingCode?: string;
  labels: { yes: string; no: string; ok: string; skip: string; clear: string; hint: string; foot: string };
  /** Why the last answer was refused, in the prompt's language, until the next is accepted. */
  error?: string;
}

const HINTS: Record<PromptType, MessageKey> = {
  confirm: 'ask.foot',
  select: 'ask.chooseOne',
  text: 'ask.text',
  email: 'ask.email',
  phone: 'ask.phone',
  number: 'ask.number',
  signature: 'ask.signHere',
};

export function promptView(promptId: string, p: PromptRequest, expiresAt: string, fallback: Locale): PromptView {
  const locale = p.locale ?? fallback;
  const t = messagesFor(locale);
  const hint = p.type === 'select' && p.multiple ? t('ask.chooseSome') : t(HINTS[p.type]);
  const { type, title, body, required, ...rest } = p;
  const fields = Object.fromEntries(Object.entries(rest).filter(([k]) => ['options', 'multiple', 'min', 'max', 'decimals', 'unit', 'maxLength', 'callingCode'].includes(k))) as Partial<PromptView>;
  return {
    promptId,
    type,
    title,
    ...(body !== undefined ? { body } : {}),
    required: required ?? false,
    expiresAt,
    locale,
    ...fields,
    labels: { yes: t('ask.yes'), no: t('ask.no'), ok: t('ask.ok'), skip: t('ask.skip'), clear: t('ask.clear'), hint, foot: t('ask.foot') },
  };
}

/** A refusal in the prompt's language, its numbers written as that language writes them (0,5 in German). */
export function refusalText(locale: Locale, refusal: Refusal): string {
  const written = new Intl.NumberFormat(locale, { maximumFractionDigits: 4 });
  return Object.entries(refusal.values ?? {}).reduce((text, [k, v]) => text.replace(`{${k}}`, written.format(v)), messagesFor(locale)(refusal.key));
}
