import type { Locale } from '../i18n';
import type { ReceiptLine } from '../printer/printer';
import type { PaymentEngine, TransitionEvent } from '../transactions/engine';
import type { Outcome } from '../transactions/states';
import { outcomeView, stageView } from './payment-view';
import type { ScreenService } from './screen.service';

/** How long an outcome stays on the screen before it returns to idle. */
export const RESULT_DISPLAY_MS = 5_000;

export interface PaymentScreenDeps {
  engine: PaymentEngine;
  screen: ScreenService;
  /** The committed transaction's masked PAN and cardholder receipt, for its outcome. */
  finalOf: (uti: string) => { maskedPan: string | null; receipts?: { cardholder: ReceiptLine[] } } | undefined;
  resultDisplayMs?: number;
  /** The screen's language when a payment names none (EPOSD_LOCALE). */
  locale?: Locale;
}

/**
 * The screen follows the payments: every committed transition of the engine is shown, and an outcome
 * stays up for RESULT_DISPLAY_MS once the terminal is idle again. The engine knows nothing of it.
 *
 * @NOTE An outcome is drawn a turn later (setImmediate): drawing it reads the committed row and
 * builds the cardholder's receipt, about half a millisecond, and the POS waiting for that outcome (a
 * long-poll, the event stream) is answered first. It is still drawn before eposd reads any later
 * request, so whoever asks the screen after the POS was answered sees the outcome. A payment shown
 * meanwhile (the next one's first step, in the same turn) wins.
 */
export function followPayments({ engine, screen, finalOf, resultDisplayMs = RESULT_DISPLAY_MS, locale = 'en' }: PaymentScreenDeps): () => void {
  let clearing: NodeJS.Timeout | undefined;
  let drawing: NodeJS.Immediate | undefined;
  const showOutcome = ({ uti, tx }: TransitionEvent, outcome: Outcome) => {
    const final = finalOf(uti);
    screen.showPayment(outcomeView(tx, outcome, final?.maskedPan ?? null, final?.receipts?.cardholder, locale));
  };
  const show = (e: TransitionEvent) => {
    clearTimeout(clearing);
    if (e.to !== 'IDLE' && e.to !== 'PRINTING') {
      clearImmediate(drawing);
      return screen.showPayment(stageView(e.tx, e.to, e.card, locale));
    }
    const { outcome } = e;
    if (outcome) drawing = setImmediate(() => showOutcome(e, outcome));
    if (e.to === 'IDLE') clearing = setTimeout(() => engine.current.name === 'IDLE' && screen.showPayment(undefined), resultDisplayMs).unref();
  };
  engine.on('transition', show);
  return () => {
    clearTimeout(clearing);
    clearImmediate(drawing);
    engine.off('transition', show);
  };
}
