import type { LineItem, Locale } from './types';

/*
 * The POS driving the terminal's screen between payments (docs/api.md, "The customer display and
 * prompts"): written by hand, as the rest of the client's model; test/types/client-contract.ts holds
 * them to the server's schemas.
 */

/** PUT /display: a basket, a message or a QR code (at least one). */
export interface DisplayRequest {
  lineItems?: LineItem[];
  /** ISO 4217; default the terminal's. */
  currency?: string;
  /** Tax added on top of the line totals (sales tax). */
  tax?: number;
  /** If sent, must be the line totals plus tax (else LINE_ITEMS_MISMATCH). */
  total?: number;
  message?: string;
  /** Text shown as a QR code: a pay-by-link URL, a loyalty sign-up. */
  qr?: string;
  locale?: Locale;
}

export interface DisplayAnswer {
  lineItems?: LineItem[];
  currency: string;
  subtotal?: number;
  tax?: number;
  total?: number;
  message?: string;
  qr?: string;
  locale: Locale;
  /** On the screen now (false while a payment or a prompt has it). */
  shown: boolean;
  updatedAt: string;
}

export type PromptType = 'confirm' | 'select' | 'text' | 'email' | 'phone' | 'number' | 'signature';
export type PromptStatusName = 'OPEN' | 'ANSWERED' | 'SKIPPED' | 'CANCELLED' | 'TIMED_OUT';
export type PromptReason = 'POS_CANCELLED' | 'CUSTOMER_CANCELLED' | 'TERMINAL_RESTARTED' | 'REGISTER_UNPAIRED' | 'PROMPT_TIMEOUT';

interface PromptCommon {
  /** Your own id (1-64 of A-Z a-z 0-9 -): a retry with the same body is a replay. `prompt()` makes one. */
  promptId?: string;
  title: string;
  body?: string;
  /** true: no Skip button. Default false. */
  required?: boolean;
  /** 5-900, default 120. */
  timeoutSeconds?: number;
  locale?: Locale;
}

export type PromptRequest = PromptCommon &
  (
    | { type: 'confirm' }
    | { type: 'select'; options: { id: string; label: string }[]; multiple?: boolean }
    | { type: 'text'; maxLength?: number }
    | { type: 'email' }
    | { type: 'phone'; callingCode?: string }
    | { type: 'number'; min?: number; max?: number; decimals?: number; unit?: string }
    | { type: 'signature' }
  );

export interface PromptAck {
  promptId: string;
  type: PromptType;
  expiresAt: string;
}

export interface SignatureValue {
  /** SVG path data of the strokes, in the pad's pixels. */
  svgPath: string;
  /** A PNG of the signature, base64. */
  png: string;
  strokes: number;
  width: number;
  height: number;
}

export interface OpenPrompt {
  promptId: string;
  type: PromptType;
  registerId: string;
  status: 'OPEN';
  createdAt: string;
  expiresAt: string;
}

export interface EndedPrompt extends Omit<OpenPrompt, 'status'> {
  status: Exclude<PromptStatusName, 'OPEN'>;
  statusReason: PromptReason | null;
  endedAt: string;
  /** ANSWERED, while it is kept: a boolean (confirm), option ids (select), a string (text, email, phone), a number, or a signature. */
  value?: boolean | string[] | string | number | SignatureValue;
  /** ANSWERED and erased (EPOSD_PROMPT_ANSWER_TTL_S after it came). */
  answerErasedAt?: string;
}

export type PromptStatus = OpenPrompt | EndedPrompt;
