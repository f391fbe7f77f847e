import type { ReceiptLine } from '../printer/printer';
import type { CardRead } from '../reader/card-reader';
import type { ActiveTransaction, Outcome, StateName } from '../transactions/states';
import type { PaymentView, Prompt } from './display';
import { maxCustomTip, tipChoices } from '../transactions/tips';
import { TIP_TEXT } from './tip-text';

const PROMPTS: Partial<Record<StateName, [Prompt, string]>> = {
  AWAITING_TIP: ['CHOOSE_TIP', TIP_TEXT.title],
  AWAITING_CARD: ['PRESENT_CARD', 'Present card'],
  READING_CARD: ['READING_CARD', 'Reading card…'],
  AWAITING_PIN: ['ENTER_PIN', 'Enter PIN'],
  AUTHORIZING: ['AUTHORISING', 'Authorising…'],
};

const OUTCOME_MESSAGES: Record<Outcome['status'], string> = {
  APPROVED: 'Approved',
  DECLINED: 'Declined',
  CANCELLED: 'Cancelled',
  TIMED_OUT: 'Timed out',
  FAILED: 'Failed',
};

const human = (reason: string) => reason.charAt(0) + reason.slice(1).toLowerCase().replace(/_/g, ' ');

export function stageView(tx: ActiveTransaction, state: StateName, card: CardRead | null): PaymentView {
  const [prompt, message] = PROMPTS[state] ?? ['PRINTING', 'Printing receipt…'];
  return { uti: tx.uti, transType: tx.transType, amount: tx.amount, currency: tx.currency, prompt, message, ...(card ? { card: card.maskedPan } : {}), ...tipView(tx, state) };
}

/** The tip step's choices while it asks; the tip and the total once one was chosen. */
function tipView(tx: ActiveTransaction, state: StateName): Partial<PaymentView> {
  if (state === 'AWAITING_TIP') return { tip: { choices: tipChoices(tx.amount, tx.tipOptions ?? []), maxCustom: maxCustomTip(tx.amount), text: TIP_TEXT } };
  return tx.tipAmount ? { tipAmount: tx.tipAmount, total: tx.amount + tx.tipAmount } : {};
}

export function outcomeView(tx: ActiveTransaction, outcome: Outcome, card: string | null, receipt: ReceiptLine[] | undefined): PaymentView {
  const detail = outcome.status === 'APPROVED' ? '' : ` (${human(outcome.statusReason)})`;
  return {
    uti: tx.uti,
    transType: tx.transType,
    amount: tx.amount,
    currency: tx.currency,
    prompt: outcome.status,
    message: `${OUTCOME_MESSAGES[outcome.status]}${detail}`,
    ...(card ? { card } : {}),
    ...(receipt && receipt.length > 0 ? { receipt } : {}),
  };
}
