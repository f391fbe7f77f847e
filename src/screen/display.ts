import type { Locale } from '../i18n';
import type { ReceiptLine } from '../printer/printer';

/** What the terminal's display shows: the screen renders it from what the domain reports. */

export interface PairingView {
  code: string;
  expiresAt: string;
}

export type Prompt = 'CHOOSE_TIP' | 'PRESENT_CARD' | 'READING_CARD' | 'ENTER_PIN' | 'AUTHORISING' | 'PRINTING' | 'APPROVED' | 'DECLINED' | 'CANCELLED' | 'TIMED_OUT' | 'FAILED';

export interface PaymentView {
  uti: string;
  transType: string;
  amount: number;
  currency: string;
  prompt: Prompt;
  message: string;
  /** Masked PAN, once a card was read. */
  card?: string;
  receipt?: ReceiptLine[];
  /** While the terminal asks for a tip: the choices, with their amounts, and the words to show. */
  tip?: { choices: { percent: number; amount: number }[]; maxCustom: number; text: Readonly<Record<string, string>> };
  /** Once a tip was added: it, and the total the card is asked for. */
  tipAmount?: number;
  total?: number;
  /** The cardholder's language, and the view's texts in it (src/i18n). */
  locale?: Locale;
  labels?: { type: string; title: string; foot: string; items: string };
  /** The order's lines, when the POS sent them: shown during the payment. */
  lineItems?: { name: string; quantity: number; total: number }[];
}
