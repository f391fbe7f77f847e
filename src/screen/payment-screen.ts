import type { Locale } from '../i18n';
import type { ReceiptLine } from '../printer/printer';
import type { PaymentEngine, TransitionEvent } from '../transactions/engine';
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
 */
export function followPayments({ engine, screen, finalOf, resultDisplayMs = RESULT_DISPLAY_MS, locale = 'en' }: PaymentScreenDeps): () => void {
  let clearing: NodeJS.Timeout | undefined;
  const show = (e: TransitionEvent) => {
    clearTimeout(clearing);
    if (e.to !== 'IDLE' && e.to !== 'PRINTING') return screen.showPayment(stageView(e.tx, e.to, e.card, locale));
    if (e.outcome) {
      const final = finalOf(e.uti);
      screen.showPayment(outcomeView(e.tx, e.outcome, final?.maskedPan ?? null, final?.receipts?.cardholder, locale));
    }
    if (e.to === 'IDLE') clearing = setTimeout(() => engine.current.name === 'IDLE' && screen.showPayment(undefined), resultDisplayMs).unref();
  };
  engine.on('transition', show);
  return () => {
    clearTimeout(clearing);
    engine.off('transition', show);
  };
}
