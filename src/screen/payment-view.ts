import { messagesFor, translate, type Locale, type MessageKey } from '../i18n';
import type { ReceiptLine } from '../printer/printer';
import type { CardRead } from '../reader/card-reader';
import { lineTotal } from '../transactions/order';
import type { ActiveTransaction, Outcome, StateName } from '../transactions/states';
import { maxTip, tipChoices } from '../transactions/tips';
import type { PaymentView, Prompt } from './display';
import { tipText } from './tip-text';

type StagePrompt = 'PRESENT_CARD' | 'READING_CARD' | 'ENTER_PIN' | 'AUTHORISING' | 'PRINTING';

const PROMPTS: Partial<Record<StateName, StagePrompt>> = {
  AWAITING_CARD: 'PRESENT_CARD',
  READING_CARD: 'READING_CARD',
  AWAITING_PIN: 'ENTER_PIN',
  AUTHORIZING: 'AUTHORISING',
};

const FOOTS: Partial<Record<Prompt, MessageKey>> = { PRESENT_CARD: 'foot.PRESENT_CARD', ENTER_PIN: 'foot.ENTER_PIN', AUTHORISING: 'foot.AUTHORISING', CHOOSE_TIP: 'tip.foot' };

const human = (reason: string) => reason.charAt(0) + reason.slice(1).toLowerCase().replace(/_/g, ' ');

/** What every view of a payment shows: the amount, and in the cardholder's language its labels and the order's lines. */
function common(tx: ActiveTransaction, locale: Locale, prompt: Prompt, title: string): Omit<PaymentView, 'prompt' | 'message'> {
  const t = messagesFor(locale);
  const foot = FOOTS[prompt];
  return {
    uti: tx.uti,
    transType: tx.transType,
    amount: tx.amount,
    currency: tx.currency,
    locale,
    labels: { type: t(`type.${tx.transType}`), title, foot: foot ? t(foot) : '', items: t('screen.items') },
    ...(tx.lineItems ? { lineItems: tx.lineItems.map((i) => ({ name: i.name, quantity: i.quantity, total: lineTotal(i) })) } : {}),
  };
}

/** `locale`: the screen's language when the payment did not name one (EPOSD_LOCALE). */
export function stageView(tx: ActiveTransaction, state: StateName, card: CardRead | null, locale: Locale = 'en'): PaymentView {
  const lang = tx.locale ?? locale;
  if (state === 'AWAITING_TIP') {
    const text = tipText(lang);
    const tip = { choices: tipChoices(tx.amount, tx.tipOptions ?? [], tx.cashbackAmount), maxCustom: maxTip(tx.amount, tx.cashbackAmount), text };
    return { ...common(tx, lang, 'CHOOSE_TIP', text.title), prompt: 'CHOOSE_TIP', message: text.title, tip };
  }
  const prompt = PROMPTS[state] ?? 'PRINTING';
  const message = messagesFor(lang)(`prompt.${prompt}`);
  const tipped = tx.tipAmount ? { tipAmount: tx.tipAmount, total: tx.amount + tx.tipAmount } : {};
  return { ...common(tx, lang, prompt, message), prompt, message, ...(card ? { card: card.maskedPan } : {}), ...tipped };
}

export function outcomeView(tx: ActiveTransaction, outcome: Outcome, card: string | null, receipt: ReceiptLine[] | undefined, locale: Locale = 'en'): PaymentView {
  const lang = tx.locale ?? locale;
  const title = messagesFor(lang)(`outcome.${outcome.status}`);
  const detail = outcome.status === 'APPROVED' ? '' : ` (${translate(lang, `reason.${outcome.statusReason}`, human(outcome.statusReason))})`;
  return {
    ...common(tx, lang, outcome.status, title),
    prompt: outcome.status,
    message: `${title}${detail}`,
    ...(card ? { card } : {}),
    ...(receipt && receipt.length > 0 ? { receipt } : {}),
  };
}
