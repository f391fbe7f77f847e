import { messagesFor, type Locale } from '../i18n';
import type { BasketLine } from './basket';
import type { QrView } from './qr';

/** The customer display as the screen draws it: the POS's basket, message or QR code, in the cardholder's language. */
export interface DisplayView {
  /** Moves with every PUT /display: the page highlights what changed once per version. */
  version: number;
  locale: Locale;
  labels: { items: string; subtotal: string; tax: string; total: string; removed: string; scan: string };
  currency: string;
  lineItems?: BasketLine[];
  /** Lines of the basket before that this one no longer has. */
  removed?: BasketLine[];
  subtotal?: number;
  tax?: number;
  total?: number;
  message?: string;
  qr?: QrView;
}

export function displayLabels(locale: Locale): DisplayView['labels'] {
  const t = messagesFor(locale);
  return { items: t('display.items'), subtotal: t('display.subtotal'), tax: t('display.tax'), total: t('display.total'), removed: t('display.removed'), scan: t('display.scan') };
}
